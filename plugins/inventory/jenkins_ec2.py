# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: jenkins_ec2
short_description: EC2 inventory that knows Jenkins HA stacks, a fast drop-in for amazon.aws.aws_ec2
version_added: 0.1.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
description:
  - Lists EC2 instances of the given regions as hosts, grouped by stack, component (C(controller), C(agent)),
    agent pool, Auto Scaling group, availability zone, Auto Scaling lifecycle state, and C(stale_image) for
    instances that run another AMI than the one their Auto Scaling group launches today.
  - An agent's pool is its C(jenkins-ha:pool) tag (every pool's Auto Scaling group propagates it), or C(default)
    for an untagged instance of the stack's C(<stack>-agent) group (launched before pools existed); it is the host
    variable C(jenkins_ha_pool) (C(null) for hosts of no pool) and the group C(pool_<pool>).
  - Accepts the options of M(amazon.aws.aws_ec2) that make sense here (O(regions), O(filters), O(hostnames),
    O(compose), O(groups), O(keyed_groups), the cache options, credentials) and sets host variables with the same
    snake_case names and shapes, so an aws_ec2 configuration and its playbooks move over by changing the
    C(plugin:) line. Host variables follow a documented schema (see docs/inventory.md); O(extra_hostvars) adds
    any other field aws_ec2 sets.
  - Built for speed at fleet size. DescribeInstances is paged by 1,000, Auto Scaling and launch template data
    come from a few batched calls (never one per instance), only the documented fields are converted (read
    straight from the response for the default schema, decoded by botocore when O(extra_hostvars) asks for
    more), and O(compose)/O(keyed_groups) expressions that are plain variable paths (C(tags.Role),
    C(placement.availability_zone)) are looked up without templating.
  - The configuration file name must end with C(jenkins_ec2.yml) or C(jenkins_ec2.yaml).
  - The inventory hostname defaults to the instance id and C(ansible_host) to the private IP address, so two
    stacks with the same CIDR never collide. See docs/inventory.md for reaching private hosts through the
    controller as SSH jump host or with the community.aws.aws_ssm connection.
notes:
  - The endpoint can be set with the C(AWS_ENDPOINT_URL) environment variable, as for any boto3 client.
  - Launch time and other timestamps are ISO 8601 strings, so a cached inventory reads back exactly as a fresh one.
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
options:
  plugin:
    description: Token that ensures this is a source file for the plugin.
    required: true
    type: str
    choices: [jenkins_ha.aws.jenkins_ec2]
  regions:
    description:
      - Regions to list instances from. Required, there is no "all regions" default.
    type: list
    elements: str
    required: true
  filters:
    description:
      - DescribeInstances filters, applied server-side, as a dict of filter name to value or list of values
        (U(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html)).
      - Unless it filters on C(instance-state-name) or C(instance-state-code), C(instance-state-name=running)
        is added.
    type: dict
    default: {}
  stacks:
    description:
      - Only list instances of these Jenkins HA stacks (server-side filter on the C(jenkins-ha:stack) tag).
      - Without it, every instance of the regions is listed, like aws_ec2 does.
    type: list
    elements: str
    default: []
    aliases: [stack]
  hostnames:
    description:
      - Sources for the inventory hostname, in order of preference; the first that gives a value wins and
        instances for which none does are left out, as with aws_ec2.
      - A source is one of C(instance-id), C(private-ip-address), C(ip-address), C(dns-name),
        C(private-dns-name), C(image-id), C(instance-type), C(key-name), C(vpc-id), C(subnet-id),
        C(availability-zone), C(architecture), C(tag:KEY) (the tag's value),
        C(tag:KEY=VALUE) (C(KEY_VALUE) when the tag has that value) or C(tag:KEY1,KEY2) (the first present).
      - A source may end with Jinja2 filters, for example C(tag:Name | lower) (templated once per host).
      - An entry can also be a dict with C(name) (a source), C(prefix) (a source, or a literal string) and
        C(separator) (default C(_)); the hostname is then prefix + separator + name.
      - Any other entry is an error, rather than a literal hostname as in aws_ec2.
    type: list
    elements: raw
    default: [instance-id]
  ansible_host_source:
    description:
      - The hostname source (see O(hostnames)) whose value becomes C(ansible_host), for example
        C(private-ip-address), C(ip-address) or C(private-dns-name). An empty string leaves C(ansible_host) unset.
      - A C(compose) entry for C(ansible_host) overrides it.
    type: str
    default: private-ip-address
  extra_hostvars:
    description:
      - More DescribeInstances fields to expose as host variables, by their aws_ec2 names (for example
        C(network_interfaces), C(block_device_mappings), C(metadata_options), C(monitoring)); converted to
        snake_case exactly as aws_ec2 does. C(all) exposes every field aws_ec2 would.
      - Each field costs time on every host; the default schema is documented in docs/inventory.md.
    type: list
    elements: str
    default: []
  autoscaling:
    description:
      - Look up the instances' Auto Scaling groups (one DescribeAutoScalingGroups call per 100 groups) and the
        image of their launch template (one DescribeLaunchTemplateVersions call per template), for the
        C(lifecycle_*) and C(stale_image) groups and the C(jenkins_ha_lifecycle_state),
        C(jenkins_ha_desired_image_id) and C(jenkins_ha_stale_image) host variables.
      - Set to V(false) to skip these calls.
    type: bool
    default: true
  default_groups:
    description:
      - Add hosts to the built-in groups C(stack_<stack>), C(<component>) (for example C(controller) and C(agent)),
        C(pool_<pool>) (for example C(pool_default), C(pool_spot)), C(asg_<group>), C(az_<zone>),
        C(lifecycle_<state>) (for example C(lifecycle_in_service)) and C(stale_image). Names are sanitised to
        valid group names.
    type: bool
    default: true
  host_group:
    description:
      - Group every listed host belongs to (aws_ec2 uses C(aws_ec2); set that for playbooks targeting it).
    type: str
    default: jenkins_ec2
"""

EXAMPLES = r"""
# inventory/stack.jenkins_ec2.yml: every host of stack "prod", agents reached over SSH through the controller.
plugin: jenkins_ha.aws.jenkins_ec2
regions: [eu-west-1]
stacks: [prod]
compose:
  # jenkins_ha_controller describes the stack's controller (when listed); it is the jump host of the others.
  ansible_ssh_common_args: >-
    '' if jenkins_ha_component == 'controller' or jenkins_ha_controller is not defined
    else '-o ProxyJump=admin@' ~ jenkins_ha_controller.public_ip_address

---
# The same stack through AWS Systems Manager Session Manager (no inbound SSH at all).
plugin: jenkins_ha.aws.jenkins_ec2
regions: [eu-west-1]
stacks: [prod]
compose:
  ansible_connection: "'community.aws.aws_ssm'"
  ansible_host: instance_id
  ansible_aws_ssm_region: placement.region
  ansible_aws_ssm_bucket_name: "'prod-jenkins-ssm-transfer'"

---
# An amazon.aws.aws_ec2 configuration moves over by changing the plugin line.
plugin: jenkins_ha.aws.jenkins_ec2
regions: [us-east-1]
hostnames:
  - tag:Name
  - name: private-ip-address
    prefix: tag:jenkins-ha:stack
    separator: "-"
keyed_groups:
  - key: tags.Role
    prefix: role
  - key: instance_type
    prefix: type
groups:
  big: instance_type.startswith('m5.4')
filters:
  instance-state-name: [running, stopped]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/jenkins_ec2
cache_timeout: 300
"""

import contextlib
import gc

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19 trusts every template
    trust_as_template = None

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_auto_scaling_groups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import template_lookups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.instances import describe_instances
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_images
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import autoscaling
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import groups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostnames as hostname_sources
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostvars as schema
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import options
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import paths
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import reader

# 2: records carry jenkins_ha_pool (a cache written before would lack it).
CACHE_FORMAT = 2


@contextlib.contextmanager
def cyclic_gc_paused():
    """Building a fleet's hosts allocates hundreds of thousands of small containers and tagged strings, none of
    them garbage while the block runs: the cyclic collector would walk the whole heap (Ansible's, large) again and
    again for nothing, a tenth of the inventory's client-side time at 2,000 instances. Its usual schedule resumes
    after the block (reference counting frees memory as always meanwhile)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class InventoryModule(AWSInventoryBase):
    NAME = "jenkins_ha.aws.jenkins_ec2"
    INVENTORY_FILE_SUFFIXES = ("jenkins_ec2.yml", "jenkins_ec2.yaml")

    def __init__(self):
        super().__init__()
        self._paths = {}
        self._safe_names = {}
        self._group_names = {}
        self._fast_compose = True

    def _do_fail(self, message):
        raise AnsibleParserError(message)

    # AWSInventoryBase templates its credential/region/filter options with a templar keyword ansible-core 2.19
    # deprecates (a warning on every run); template the same options the same way, without it.
    def _templated(self, option, value):
        if not value or option not in AWSInventoryBase.TemplatedOptions.TEMPLATABLE_OPTIONS:
            return value
        if isinstance(value, dict):
            return {k: self.templar.template(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.templar.template(v) for v in value]
        return self.templar.template(value)

    def get_option(self, option, hostvars=None):
        return self._templated(option, super(AWSInventoryBase, self).get_option(option, hostvars))

    def get_options(self, *args):
        values = super(AWSInventoryBase, self).get_options(*args)
        return {name: self._templated(name, value) for name, value in values.items()}

    # --- configuration -------------------------------------------------------------------------------------------

    def _validated_config(self, config):
        definitions = C.config.get_configuration_definitions("inventory", self._load_name) or {}
        regions = self.get_option("regions")
        extra = self.get_option("extra_hostvars") or []
        problem = (
            options.unsupported_options(config)
            or (options.unknown_option(config, definitions) if definitions else None)
            or options.loose_boolean(config, definitions)
            or (options.unknown_extra_hostvars(extra, schema.instance_hostvar_names()) if extra else None)
            or options.bad_regions(regions)
        )
        if problem:
            raise AnsibleParserError("{0}: {1}".format(self.NAME, problem))
        try:
            preferences = hostname_sources.parse_preferences(self.get_option("hostnames") or ["instance-id"])
            address = self.get_option("ansible_host_source")
            address = hostname_sources.Source(address) if address else None
        except hostname_sources.HostnameError as e:
            raise AnsibleParserError("{0}: {1}".format(self.NAME, e))
        keyed = self.get_option("keyed_groups") or []
        if not isinstance(keyed, list) or not all(isinstance(k, dict) and k.get("key") for k in keyed if k):
            raise AnsibleParserError("{0}: every keyed_groups entry needs a 'key'".format(self.NAME))
        return regions, preferences, address

    def _filters(self):
        filters = dict(self.get_option("filters") or {})
        if not any(name in filters for name in ("instance-state-name", "instance-state-code")):
            filters["instance-state-name"] = "running"
        stacks = self.get_option("stacks")
        if stacks:
            filters["tag:" + contract.TAG_STACK] = list(stacks)
        return filters

    # --- querying AWS --------------------------------------------------------------------------------------------

    def _query(self, regions, filters):
        """Host variables of every matching instance of the regions, sorted by instance id."""
        boto_filters = ansible_dict_to_boto3_filter_list(filters)
        extra = frozenset(self.get_option("extra_hostvars") or ())
        records = []
        try:
            for region in regions:
                found = self._region_hostvars(self.client("ec2", region=region), boto_filters, extra)
                facts = self._autoscaling_facts(region, found) if self.get_option("autoscaling") else {}
                for record in found:
                    records.append(self._record(record, facts.get(record.get("instance_id"))))
        except AnsibleAWSError as e:
            raise AnsibleError("{0}: {1}".format(self.NAME, e))
        records.sort(key=lambda r: r["instance_id"])
        return records

    @staticmethod
    def _region_hostvars(client, boto_filters, extra):
        """The schema's host variables of the region's instances: read from the raw pages for the default schema
        (module_utils/_inventory/reader.py), decoded by botocore when extra fields are asked for."""
        if extra:
            instances = describe_instances(client, boto_filters, schema.unused_elements_pattern(extra))
            return [schema.build_hostvars(i, extra, "all" in extra) for i in instances]
        with reader.reading(client) as fast:
            instances = describe_instances(
                client, boto_filters, None if fast is not None else schema.unused_elements_pattern(extra)
            )
        # Pages the reader left to botocore (none, unless one was not readable) are converted as usual.
        found = [schema.build_hostvars(i) for i in instances]
        return fast.hostvars + found if fast is not None else found

    def _autoscaling_facts(self, region, records):
        names = set()
        types = {}
        for record in records:
            name = record["tags"].get(schema.TAG_ASG_NAME)
            if name is not None:
                names.add(name)
                types[record.get("instance_id")] = record.get("instance_type")
        if not names:
            return {}
        asg_groups = describe_auto_scaling_groups(self.client("autoscaling", region=region), names)
        lookups = template_lookups(asg_groups)
        images = resolve_images(self.client("ec2", region=region), lookups) if lookups else {}
        return autoscaling.instance_facts(asg_groups, images, types)

    @staticmethod
    def _record(record, facts):
        tags = record["tags"]
        record["jenkins_ha_stack"] = tags.get(contract.TAG_STACK)
        record["jenkins_ha_component"] = tags.get(contract.TAG_COMPONENT)
        # Auto Scaling facts only for instances their group lists (absent otherwise, like AWS's own optional keys).
        if facts:
            record.update(facts)
        elif schema.TAG_ASG_NAME in tags:
            record["jenkins_ha_asg_name"] = tags[schema.TAG_ASG_NAME]
        record["jenkins_ha_pool"] = groups.pool_of(tags, record.get("jenkins_ha_asg_name"))
        record["jenkins_ha_stale_image"] = autoscaling.is_stale(
            record.get("image_id"), record.get("jenkins_ha_desired_image_id")
        )
        return record

    # --- building the inventory ----------------------------------------------------------------------------------

    def _safe(self, name):
        """Built-in group names: always sanitised, silently (memoised; the same few names repeat on every host)."""
        try:
            return self._safe_names[name]
        except KeyError:
            self._safe_names[name] = safe = to_safe_group_name(name, force=True, silent=True)
            return safe

    def _sanitize_group_name(self, name):
        # Constructable's sanitisation (honours TRANSFORM_INVALID_GROUP_CHARS), memoised.
        try:
            return self._group_names[name]
        except KeyError:
            self._group_names[name] = safe = to_safe_group_name(name)
            return safe

    def _source_value(self, source, record):
        value = source.value(record)
        if source.jinja_filter and value:
            self.templar.available_variables = {"jenkins_ec2_hostname": value}
            expression = "jenkins_ec2_hostname | " + source.jinja_filter
            if trust_as_template:
                expression = trust_as_template(expression)
            value = self.templar.evaluate_expression(expression)
        if isinstance(value, list):
            value = value[0] if value else None
        return value

    def _hostname(self, record, preferences):
        for preference in preferences:
            hostname = self._source_value(preference.name, record)
            if hostname and preference.prefix:
                prefix = self._source_value(preference.prefix, record)
                if prefix:
                    hostname = "{0}{1}{2}".format(prefix, preference.separator, hostname)
            if hostname:
                hostname = str(hostname)
                # As aws_ec2: names with colons (tag values, IPv6) are sanitised like group names.
                return self._sanitize_group_name(hostname) if ":" in hostname else hostname
        return None

    def _compose(self, template, variables, disable_lookups=...):
        """Constructable's _compose, with plain variable paths (tags.Role) looked up instead of templated."""
        if self._fast_compose:
            try:
                parts = self._paths[template]
            except KeyError:
                parts = self._paths[template] = paths.parse_path(template)
            except TypeError:  # unhashable: not a path
                parts = None
            if parts is not None:
                value = paths.lookup_path(variables, parts)
                if value is not paths.MISSING:
                    return value
        return super()._compose(template, variables)

    def _add_builtin_groups(self, host, record):
        for name in groups.builtin_group_names(record):
            group = self._safe(name)
            self.inventory.add_group(group)
            self.inventory.add_child(group, host)

    def _populate(self, records, preferences, address):
        strict = self.get_option("strict")
        compose = self.get_option("compose") or {}
        composed_groups = self.get_option("groups") or {}
        keyed_groups = self.get_option("keyed_groups") or []
        default_groups = self.get_option("default_groups")
        self._fast_compose = not self.get_option("use_extra_vars")
        host_group = self.inventory.add_group(self._safe(self.get_option("host_group")))
        self.inventory.add_child("all", host_group)
        inventory = self.inventory
        controllers = groups.controllers(records)

        for record in records:
            host = self._hostname(record, preferences)
            if not host:
                continue
            inventory.add_host(host, group=host_group)
            for name, value in record.items():
                inventory.set_variable(host, name, value)
            variables = dict(record)
            controller = controllers.get(record.get("jenkins_ha_stack"))
            if controller:
                inventory.set_variable(host, "jenkins_ha_controller", controller)
                variables["jenkins_ha_controller"] = controller
            if address is not None:
                value = self._source_value(address, record)
                if value:
                    inventory.set_variable(host, "ansible_host", value)
                    variables["ansible_host"] = value
            if default_groups:
                self._add_builtin_groups(host, record)
            # Constructable's _set_composite_vars, also feeding the composed values to groups and keyed_groups.
            for varname, expression in compose.items():
                try:
                    value = self._compose(expression, variables)
                except Exception as e:
                    if strict:
                        raise AnsibleError("Could not set {0} for host {1}: {2}".format(varname, host, e))
                    continue
                inventory.set_variable(host, varname, value)
                variables[varname] = value
            self._add_host_to_composed_groups(composed_groups, variables, host, strict=strict, fetch_hostvars=False)
            self._add_host_to_keyed_groups(keyed_groups, variables, host, strict=strict, fetch_hostvars=False)

    # --- entry points --------------------------------------------------------------------------------------------

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        config = self.loader.load_from_file(path, cache="none")
        regions, preferences, address = self._validated_config(config)
        filters = self._filters()
        query = {
            "format": CACHE_FORMAT,
            "regions": list(regions),
            "filters": filters,
            "extra_hostvars": sorted(self.get_option("extra_hostvars") or ()),
            "autoscaling": bool(self.get_option("autoscaling")),
        }

        use_cache = bool(cache and self.get_option("cache"))
        cache_key = self.get_cache_key(path)
        records = None
        if use_cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
            # A cache written for other regions/filters is stale, whatever its age.
            if isinstance(cached, dict) and cached.get("query") == query:
                records = cached.get("hosts")
        fresh = records is None
        with cyclic_gc_paused():
            if fresh:
                records = self._query(regions, filters)
            self._populate(records, preferences, address)

        if fresh and self.get_option("cache"):
            self._cache[cache_key] = {"query": query, "hosts": records}
