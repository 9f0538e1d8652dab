# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Launch template versions, and which version (and so which AMI) a set of template specifications launches.

Cost: one DescribeLaunchTemplateVersions call per template (every version asked of it at once), or a single
account-wide call for $Latest/$Default when more than a few templates need only those.
"""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EC2ErrorHandler
from .transformations import launch_template_image_id

LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE = 200
# Above this many launch templates that only need $Latest/$Default, one account-wide call is cheaper.
ACCOUNT_WIDE_TEMPLATE_THRESHOLD = 3
SYMBOLIC_VERSIONS = ("$Latest", "$Default")


@EC2ErrorHandler.list_error_handler("describe launch template versions", default_value=[])
@AWSRetry.jittered_backoff()
def describe_launch_template_versions(client, versions, template_id=None, template_name=None):
    """Versions of one launch template ([] when it or a version asked for is gone), or with neither id nor name the
    $Latest/$Default versions of all of them.

    ResolveAlias turns an ImageId of the form resolve:ssm:/parameter into the AMI id it points at.
    """
    params = {"Versions": list(versions), "ResolveAlias": True}
    if template_id:
        params["LaunchTemplateId"] = template_id
    elif template_name:
        params["LaunchTemplateName"] = template_name
    else:
        params["PaginationConfig"] = {"PageSize": LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE}
    paginator = client.get_paginator("describe_launch_template_versions")
    return paginator.paginate(**params).build_full_result().get("LaunchTemplateVersions", [])


def template_key(spec):
    """A launch template specification's identity: ("id", its id) when known, else ("name", its name)."""
    if spec.get("LaunchTemplateId"):
        return ("id", spec["LaunchTemplateId"])
    return ("name", spec.get("LaunchTemplateName"))


def template_version(spec):
    # A specification without a version (an Auto Scaling group's, for one) means the template's default version.
    return str(spec.get("Version") or "$Default")


def resolve_versions(client, lookups):
    """{(template key, version): DescribeLaunchTemplateVersions entry} for lookups ({template key: set of versions}).

    Both the id and the name of each template are recorded, so specifications naming a template either way resolve;
    a version asked as $Latest or $Default is recorded under that name too. A template or version that is gone is
    left out.
    """
    resolved = {}

    def record(version_data, requested):
        for key in (("id", version_data.get("LaunchTemplateId")), ("name", version_data.get("LaunchTemplateName"))):
            resolved[(key, str(version_data.get("VersionNumber")))] = version_data
            for version in requested:
                resolved[(key, version)] = version_data

    symbolic_only = [key for key, versions in lookups.items() if versions <= set(SYMBOLIC_VERSIONS)]
    account_wide = len(symbolic_only) > ACCOUNT_WIDE_TEMPLATE_THRESHOLD
    if account_wide:
        by_template = {}
        for version_data in describe_launch_template_versions(client, list(SYMBOLIC_VERSIONS)):
            by_template.setdefault(version_data.get("LaunchTemplateId"), []).append(version_data)
        for found in by_template.values():
            _record_symbolic(record, found, SYMBOLIC_VERSIONS)

    for key, versions in lookups.items():
        if account_wide and key in symbolic_only:
            continue
        kind, value = key
        template_id = value if kind == "id" else None
        template_name = value if kind == "name" else None
        found = describe_launch_template_versions(client, sorted(versions), template_id, template_name)
        if not found and len(versions) > 1:
            # One version that is gone fails the whole call: ask for the others one at a time.
            found = [
                data
                for version in sorted(versions)
                for data in describe_launch_template_versions(client, [version], template_id, template_name)
            ]
        _record_symbolic(record, found, versions)
    return resolved


def _record_symbolic(record, found, versions):
    """Record the versions of one template, naming which of them are $Latest (highest number) and $Default."""
    if not found:
        return
    highest = max(v.get("VersionNumber", 0) for v in found)
    for version_data in found:
        number = version_data.get("VersionNumber")
        requested = [v for v in versions if v == str(number)]
        if version_data.get("DefaultVersion") and "$Default" in versions:
            requested.append("$Default")
        if number == highest and "$Latest" in versions:
            requested.append("$Latest")
        record(version_data, requested)


def resolve_images(client, lookups):
    """{(template key, version): AMI id} for lookups, as resolve_versions() finds them."""
    return {key: launch_template_image_id(data) for key, data in resolve_versions(client, lookups).items()}
