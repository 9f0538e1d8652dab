# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Launch template versions, and which version (and so which AMI) a set of template specifications launches.

Cost: one DescribeLaunchTemplateVersions call per template (every version asked of it at once), or a single
account-wide call for $Latest/$Default when more than a few templates need only those. EC2 fails the whole call when
the template is gone (nothing more is asked of it) or when one version asked for is (one more call lists the
template's versions and keeps those asked for).
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_launch_template_versions

from .transformations import launch_template_image_id

LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE = 200
# Above this many launch templates that only need $Latest/$Default, one account-wide call is cheaper.
ACCOUNT_WIDE_TEMPLATE_THRESHOLD = 3
SYMBOLIC_VERSIONS = ("$Latest", "$Default")
# How DescribeLaunchTemplateVersions refuses a template that does not exist (asked by id, by name).
TEMPLATE_GONE_CODES = ("InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException")
# How it refuses a call naming one version the template does not have (deleted, or not visible yet).
VERSION_GONE_CODE = "InvalidLaunchTemplateId.VersionNotFound"


def template_versions(client, versions, template_id=None, template_name=None):
    """The versions asked for of one launch template, in one call when they all exist.

    [] when the template is gone. When a version asked for is missing, EC2 answers none of them: then every version
    of the template is listed (one more call, 200 versions a page) and those asked for are kept, by number or as
    $Latest (the highest number) or $Default.
    ResolveAlias turns an ImageId of the form resolve:ssm:/parameter into the AMI id it points at.
    """
    params = {"ResolveAlias": True}
    if template_id:
        params["LaunchTemplateId"] = template_id
    else:
        params["LaunchTemplateName"] = template_name
    try:
        return describe_launch_template_versions(client, Versions=list(versions), **params)
    except AnsibleEC2Error as e:
        if refusal_code(e) in TEMPLATE_GONE_CODES:
            return []
        if refusal_code(e) != VERSION_GONE_CODE:
            raise
    try:
        every = describe_launch_template_versions(
            client, PaginationConfig={"PageSize": LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE}, **params
        )
    except AnsibleEC2Error as e:
        if refusal_code(e) not in TEMPLATE_GONE_CODES:
            raise
        # Deleted between the two calls.
        return []
    return requested_versions(every, versions)


def refusal_code(error):
    """The error code AWS refused the call with (None when it failed otherwise, e.g. on the network)."""
    return (getattr(error.exception, "response", None) or {}).get("Error", {}).get("Code")


def requested_versions(every, versions):
    """Of every version of one template, those asked for by number or as $Latest/$Default."""
    highest = max((v.get("VersionNumber", 0) for v in every), default=None)
    return [
        v
        for v in every
        if str(v.get("VersionNumber")) in versions
        or ("$Latest" in versions and v.get("VersionNumber") == highest)
        or ("$Default" in versions and v.get("DefaultVersion"))
    ]


def account_versions(client):
    """The $Latest and $Default versions of every launch template of the account and region."""
    return describe_launch_template_versions(
        client,
        Versions=list(SYMBOLIC_VERSIONS),
        ResolveAlias=True,
        PaginationConfig={"PageSize": LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE},
    )


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
        for version_data in account_versions(client):
            by_template.setdefault(version_data.get("LaunchTemplateId"), []).append(version_data)
        for found in by_template.values():
            _record_symbolic(record, found, SYMBOLIC_VERSIONS)

    for key, versions in lookups.items():
        if account_wide and key in symbolic_only:
            continue
        kind, value = key
        template_id = value if kind == "id" else None
        template_name = value if kind == "name" else None
        _record_symbolic(record, template_versions(client, sorted(versions), template_id, template_name), versions)
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
