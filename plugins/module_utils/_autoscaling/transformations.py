# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure helpers on Auto Scaling groups (no AWS calls): which launch templates a group launches from."""

from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import template_key
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import template_version


def group_launch_template(group):
    """The launch template specification a group (or a desired configuration) launches from, snake_case as
    camel_dict_to_snake_dict gives it: a group with a mixed instances policy names its template only inside the
    policy (AWS then describes no top-level LaunchTemplate); {} without one."""
    policy = group.get("mixed_instances_policy") or {}
    spec = (policy.get("launch_template") or {}).get("launch_template_specification")
    return spec or group.get("launch_template") or {}


def launch_template_specs(group):
    """(override or None, launch template specification) for every template the group launches from.

    The group's own template, or the default one of its mixed instances policy (override None), then each override
    of the policy that names a template of its own (with that override, whose InstanceType says which instances
    launch from it; an override selecting instances by requirements has none). A group with a launch configuration
    has none.
    """
    specs = []
    if group.get("LaunchTemplate"):
        specs.append((None, group["LaunchTemplate"]))
    mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
    if mixed.get("LaunchTemplateSpecification"):
        specs.append((None, mixed["LaunchTemplateSpecification"]))
    for override in mixed.get("Overrides") or ():
        if override.get("LaunchTemplateSpecification"):
            specs.append((override, override["LaunchTemplateSpecification"]))
    return specs


def template_lookups(groups):
    """Which template versions the groups launch: {template key: set of versions}, for launch_templates'
    resolve_versions()/resolve_images()."""
    lookups = {}
    for group in groups:
        for dummy, spec in launch_template_specs(group):
            lookups.setdefault(template_key(spec), set()).add(template_version(spec))
    return lookups
