# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``hostnames`` option: amazon.aws.aws_ec2's forms, resolved from host variables with plain dict lookups."""

from __future__ import annotations

# aws_ec2 hostname sources (DescribeInstances filter names) -> path in the host variables.
SOURCES = {
    "instance-id": ("instance_id",),
    "private-ip-address": ("private_ip_address",),
    "ip-address": ("public_ip_address",),
    "dns-name": ("public_dns_name",),
    "private-dns-name": ("private_dns_name",),
    "image-id": ("image_id",),
    "instance-type": ("instance_type",),
    "key-name": ("key_name",),
    "vpc-id": ("vpc_id",),
    "subnet-id": ("subnet_id",),
    "availability-zone": ("placement", "availability_zone"),
    "architecture": ("architecture",),
}
SUPPORTED = sorted(SOURCES) + ["tag:<key>", "tag:<key>=<value>", "tag:<key1>,<key2>"]


class HostnameError(ValueError):
    pass


class Source:
    """One hostname source, validated once; value(hostvars) returns a string, a list of strings or None."""

    def __init__(self, text, literal_ok=False):
        self.text = text
        text, separator, jinja_filter = text.partition("|")
        self.name = text.strip()
        self.jinja_filter = jinja_filter.strip() if separator else None
        self.literal = None
        self.tags = None
        self.path = None
        if self.name.startswith("tag:"):
            spec = self.name[4:]
            if not spec:
                raise HostnameError("hostnames entry {0!r}: 'tag:' needs a tag key".format(text))
            self.single = "," not in spec
            self.tags = [tuple(item.split("=", 1)) if "=" in item else (item, None) for item in spec.split(",")]
        elif self.name in SOURCES:
            self.path = SOURCES[self.name]
        elif literal_ok:
            self.literal = self.name
        else:
            raise HostnameError(
                "hostnames entry {0!r} is not a supported source; use one of: {1}".format(text, ", ".join(SUPPORTED))
            )

    def value(self, hostvars):
        if self.literal is not None:
            return self.literal
        if self.tags is not None:
            return self._tag_value(hostvars.get("tags") or {})
        value = hostvars
        for part in self.path:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def _tag_value(self, tags):
        # Same results as aws_ec2: Name=Value pairs give "Name_Value", plain keys give the tag's value.
        values = []
        for key, expected in self.tags:
            actual = tags.get(key)
            if expected is not None:
                if actual == expected:
                    values.append("{0}_{1}".format(key, expected))
            elif actual:
                values.append(actual)
        if self.single:
            return values[0] if values else None
        return values


class Preference:
    """One ``hostnames`` entry: a source, or aws_ec2's dict form {name, prefix, separator}."""

    def __init__(self, entry):
        if isinstance(entry, str):
            self.name = Source(entry)
            self.prefix = None
            self.separator = "_"
        elif isinstance(entry, dict):
            unknown = set(entry) - {"name", "prefix", "separator"}
            if "name" not in entry or unknown:
                raise HostnameError(
                    "hostnames entry {0!r}: a dict needs 'name' and may have 'prefix' and 'separator'{1}".format(
                        entry, " (unknown: {0})".format(", ".join(sorted(unknown))) if unknown else ""
                    )
                )
            self.name = Source(str(entry["name"]))
            # As in aws_ec2, a prefix that names no source is taken literally (e.g. prefix: aws).
            self.prefix = Source(str(entry["prefix"]), literal_ok=True) if entry.get("prefix") else None
            self.separator = str(entry.get("separator", "_"))
        else:
            raise HostnameError("hostnames entries are strings or dicts, got {0!r}".format(entry))

    @property
    def sources(self):
        return [s for s in (self.name, self.prefix) if s is not None]


def parse_preferences(entries):
    """Validate the ``hostnames`` option; raises HostnameError with a message naming the bad entry."""
    if not isinstance(entries, list):
        raise HostnameError("hostnames must be a list, got {0!r}".format(entries))
    return [Preference(entry) for entry in entries]
