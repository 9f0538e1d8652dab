# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DescribeInstances pages read straight into the default host variables, without botocore decoding the instances.

botocore decodes a page generically, element by element along the service model, and parses every timestamp with
dateutil; at fleet size that was a third of the inventory's client-side time, for fields the default schema mostly
drops. While ``reading(client)`` is active, each successful DescribeInstances page is read here with ElementTree
into exactly what hostvars.build_hostvars() makes of botocore's result (same keys in the same order, same types,
empty elements as empty strings, launch time through the same timestamp parsing), and botocore gets the page
without its reservations: it still raises on errors and follows nextToken. The service model still says which
element is which field and of which type. A page this module cannot read is left whole to botocore.

Only for the default schema: with extra_hostvars the plugin decodes with botocore (hostvars.build_hostvars).
"""

from __future__ import annotations

import contextlib
import datetime
import re
from xml.etree import ElementTree

from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostvars as schema

RESERVATIONS_OPEN = b"<reservationSet>"
RESERVATIONS_CLOSE = b"</reservationSet>"
NO_RESERVATIONS = b"<reservationSet/>"
# The ISO 8601 form EC2 sends (2026-01-02T03:04:05.000Z); anything else goes through botocore's own parser.
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})\Z")


def timestamp(text):
    """What build_hostvars makes of a timestamp botocore decoded: its isoformat().

    botocore's default parser (dateutil) and datetime.fromisoformat() read EC2's form to equal datetimes; the
    latter is a hundred times faster.
    """
    if ISO_TIMESTAMP.match(text):
        try:
            return datetime.datetime.fromisoformat(text).isoformat()
        except ValueError:  # Python < 3.11 refuses the Z suffix
            pass
    # botocore's default timestamp parser, imported here as in any module_utils that boto3 may be missing for.
    from botocore.utils import parse_timestamp  # pylint: disable=import-outside-toplevel

    return parse_timestamp(text).isoformat()


def _text(node):
    # botocore: an empty element is an empty string, not None.
    return node.text or ""


def _integer(node):
    return int(_text(node))


def _boolean(node):
    return node.text == "true"


def _float(node):
    return float(_text(node))


def _timestamp(node):
    return timestamp(_text(node))


CONVERTERS = {
    "string": _text,
    "integer": _integer,
    "long": _integer,
    "boolean": _boolean,
    "float": _float,
    "double": _float,
    "timestamp": _timestamp,
}


class UnsupportedModel(ValueError):
    """The service model has a field shaped in a way this reader does not know (botocore decodes instead)."""


def _xml_name(members, name):
    return members[name].serialization.get("name", name)


def _scalar(members, name):
    try:
        return CONVERTERS[members[name].type_name]
    except KeyError:
        raise UnsupportedModel("Instance.{0}".format(name))


def _flat_fields(shape, names):
    """(xml name, host variable key, converter) of each member of a structure of scalars, in model order (the order
    botocore decodes them in); ``names`` maps member name to key."""
    members = shape.members
    return tuple((_xml_name(members, name), names(name), _scalar(members, name)) for name in members)


class InstanceReader:
    """Reads DescribeInstances response bodies into default-schema host variables (see the module docstring)."""

    def __init__(self, service_model):
        instance = service_model.shape_for("Instance")
        members = instance.members
        self._scalars = tuple(
            (_xml_name(members, key), hostvar, _scalar(members, key)) for hostvar, key in schema.SCALAR_FIELDS
        )
        self._launch_time = _xml_name(members, "LaunchTime")
        self._placement = _xml_name(members, "Placement"), _flat_fields(members["Placement"], schema.snake_key)
        self._state = _xml_name(members, "State"), _flat_fields(members["State"], str)
        self._tags = _xml_name(members, "Tags"), _flat_fields(members["Tags"].member, str)
        self._groups = _xml_name(members, "SecurityGroups"), _flat_fields(members["SecurityGroups"].member, str)
        self._profile = (
            _xml_name(members, "IamInstanceProfile"),
            _flat_fields(members["IamInstanceProfile"], schema.snake_key),
        )
        reservation = service_model.shape_for("Reservation").members
        self._instances = _xml_name(reservation, "Instances")
        self._strip = schema.unused_elements_pattern(frozenset())
        self._tag_names = {}
        self.hostvars = []

    # --- botocore event handlers ---------------------------------------------------------------------------------

    def on_request(self, params, **kwargs):
        """before-parameter-build: a request without NextToken starts a listing (again, when retried)."""
        if not params.get("NextToken"):
            self.hostvars = []

    def on_response(self, response_dict, **kwargs):
        """before-parse: read the page's instances, hand botocore the page without them."""
        body = response_dict.get("body")
        if response_dict.get("status_code") != 200 or not isinstance(body, bytes):
            return
        rest = without_reservations(body)
        if rest is None:
            return
        try:
            hostvars = self.read(body)
        except (ElementTree.ParseError, ValueError, KeyError, AttributeError):
            return  # botocore decodes it, or raises its own error for it
        self.hostvars.extend(hostvars)
        response_dict["body"] = rest

    # --- reading -------------------------------------------------------------------------------------------------

    def read(self, body):
        """The default-schema host variables of every instance of a DescribeInstances response body."""
        parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(), encoding="utf-8")
        parser.feed(self._strip.sub(b"", body))
        root = parser.close()
        names = self._names(root.tag)
        records = []
        reservations = root.find(names["reservations"])
        for reservation in () if reservations is None else reservations:
            instances = reservation.find(names["instances"])
            for instance in () if instances is None else instances:
                records.append(self._instance(instance, names))
        return records

    def _names(self, root_tag):
        """Element names as ElementTree spells them in this document (with its namespace, as botocore ignores)."""
        namespace = root_tag[: root_tag.index("}") + 1] if root_tag.startswith("{") else ""
        try:
            return self._tag_names[namespace]
        except KeyError:
            pass

        def fields(entries):
            return tuple((namespace + xml, key, convert) for xml, key, convert in entries)

        names = {
            "reservations": namespace + "reservationSet",
            "instances": namespace + self._instances,
            "scalars": fields(self._scalars),
            "launch_time": namespace + self._launch_time,
        }
        for part in ("placement", "state", "tags", "groups", "profile"):
            xml, entries = getattr(self, "_" + part)
            names[part] = namespace + xml, fields(entries)
        self._tag_names[namespace] = names
        return names

    @staticmethod
    def _flat(node, fields):
        children = {child.tag: child for child in node}
        return {key: convert(children[xml]) for xml, key, convert in fields if xml in children}

    def _instance(self, node, names):
        """hostvars.build_hostvars() of botocore's decoding of this instance element (the default schema)."""
        children = {child.tag: child for child in node}
        hostvars = {}
        for xml, hostvar, convert in names["scalars"]:
            child = children.get(xml)
            if child is not None:
                hostvars[hostvar] = convert(child)
        child = children.get(names["launch_time"])
        if child is not None:
            hostvars["launch_time"] = _timestamp(child)
        xml, fields = names["placement"]
        child = children.get(xml)
        if child is not None:
            placement = self._flat(child, fields)
            zone = placement.get("availability_zone")
            if zone:
                placement["region"] = zone[:-1]
            hostvars["placement"] = placement
        xml, fields = names["state"]
        child = children.get(xml)
        if child is not None:
            state = self._flat(child, fields)
            hostvars["state"] = {"code": state.get("Code"), "name": state.get("Name")}
        xml, fields = names["tags"]
        child = children.get(xml)
        tags = {}
        if child is not None:
            for item in child:
                tag = self._flat(item, fields)
                tags[tag["Key"]] = tag["Value"]
        hostvars["tags"] = tags
        xml, fields = names["groups"]
        child = children.get(xml)
        if child is not None:
            groups = [self._flat(item, fields) for item in child]
            hostvars["security_groups"] = [
                {"group_id": group.get("GroupId"), "group_name": group.get("GroupName")} for group in groups
            ]
        xml, fields = names["profile"]
        child = children.get(xml)
        if child is not None:
            hostvars["iam_instance_profile"] = self._flat(child, fields)
        return hostvars


def without_reservations(body):
    """The response body with an empty reservation set (the rest, nextToken and requestId, kept), or None when it
    has no reservation set this function can find."""
    start = body.find(RESERVATIONS_OPEN)
    end = body.rfind(RESERVATIONS_CLOSE)
    if start < 0 or end < start:
        return None
    return body[:start] + NO_RESERVATIONS + body[end + len(RESERVATIONS_CLOSE) :]


@contextlib.contextmanager
def reading(client):
    """Within the block, the client's DescribeInstances pages are read by an InstanceReader; yields the reader,
    whose ``hostvars`` then hold the instances botocore did not get (the caller converts what it returns as usual).

    Yields None (botocore decodes everything) when the client's service model has a field shaped unexpectedly.
    """
    try:
        reader = InstanceReader(client.meta.service_model)
    except (UnsupportedModel, KeyError, AttributeError):
        yield None
        return
    events = client.meta.events
    events.register("before-parameter-build.ec2.DescribeInstances", reader.on_request)
    events.register("before-parse.ec2.DescribeInstances", reader.on_response)
    try:
        yield reader
    finally:
        events.unregister("before-parse.ec2.DescribeInstances", reader.on_response)
        events.unregister("before-parameter-build.ec2.DescribeInstances", reader.on_request)
