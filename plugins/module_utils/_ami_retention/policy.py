# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retention decision, free of AWS calls: which images to keep (and why), which to delete, which snapshots go.

Inputs are plain data (DescribeImages entries, the references found in the account, the images shared out), so
tests/unit/housekeeping/ can drive it with a table of cases.
"""

import datetime

from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import AMI_TAG_BASE
from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import AMI_TAG_BUILD_TIME
from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import AMI_TAG_ROLE
from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import TAG_STACK
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import snapshot_ids
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import tag_dict


def parse_creation_date(value):
    """EC2's CreationDate (2024-05-01T10:20:30.000Z) as an aware datetime."""
    text = value.rstrip("Z").split(".")[0]
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)


def is_candidate(image, roles=None, stack=None):
    """An image under retention: carries both contract tags and matches the optional role/stack selection."""
    tags = tag_dict(image)
    if AMI_TAG_ROLE not in tags or AMI_TAG_BASE not in tags:
        return False
    if roles and tags[AMI_TAG_ROLE] not in roles:
        return False
    if stack and tags.get(TAG_STACK) != stack:
        return False
    return True


def _age_order(image):
    # Newest first by CreationDate; the build-time tag and the id only break ties (CreationDate has 1 s resolution).
    tags = tag_dict(image)
    return (image["CreationDate"], tags.get(AMI_TAG_BUILD_TIME, ""), image["ImageId"])


def _summary(image):
    tags = tag_dict(image)
    return {
        "image_id": image["ImageId"],
        "name": image.get("Name", ""),
        "role": tags[AMI_TAG_ROLE],
        "base": tags[AMI_TAG_BASE],
        "creation_date": image["CreationDate"],
        "snapshot_ids": snapshot_ids(image),
    }


def plan_retention(images, references, shared, now, keep, min_age_days, include_shared=False, roles=None, stack=None):
    """Decide the fate of every candidate image.

    images: DescribeImages entries of every image the account owns (candidates and others).
    references: {image_id: [reason, ...]} for images in use (ASGs, launch templates, instances, SSM selection).
    shared: {image_id: description} for images shared out (launch permissions to other accounts, or public).
    now: aware datetime; keep: newest images kept per (role, base); min_age_days: younger images are kept.
    Returns {"kept": [...], "deleted": [...], "snapshot_ids": [...]}: every candidate lands in exactly one list, each
    kept entry with its reasons, each deleted one with why it may go; snapshot_ids are those of deleted images that
    no surviving image uses.
    """
    candidates = [image for image in images if is_candidate(image, roles, stack)]
    groups = {}
    for image in candidates:
        tags = tag_dict(image)
        groups.setdefault((tags[AMI_TAG_ROLE], tags[AMI_TAG_BASE]), []).append(image)

    kept, deleted = [], []
    for (role, base), members in sorted(groups.items()):
        available = sorted((i for i in members if i.get("State") == "available"), key=_age_order, reverse=True)
        newest = {image["ImageId"]: rank for rank, image in enumerate(available[:keep], start=1)}
        for image in sorted(members, key=_age_order, reverse=True):
            reasons = _keep_reasons(image, newest, references, shared, now, keep, min_age_days, include_shared)
            entry = _summary(image)
            if reasons:
                entry["reasons"] = reasons
                kept.append(entry)
            else:
                entry["reason"] = "older than the newest {0} of {1}/{2}, unused and not shared".format(keep, role, base)
                deleted.append(entry)

    deleted_ids = set(entry["image_id"] for entry in deleted)
    # A snapshot can back several images (e.g. registered twice): it goes only when no surviving image uses it.
    surviving_snapshots = set(
        snapshot for image in images if image["ImageId"] not in deleted_ids for snapshot in snapshot_ids(image)
    )
    snapshots = []
    for entry in deleted:
        snapshots.extend(s for s in entry["snapshot_ids"] if s not in surviving_snapshots and s not in snapshots)
    return {"kept": kept, "deleted": deleted, "snapshot_ids": snapshots}


def _keep_reasons(image, newest, references, shared, now, keep, min_age_days, include_shared):
    reasons = []
    image_id = image["ImageId"]
    if image.get("State") != "available":
        reasons.append("state is {0}".format(image.get("State")))
    if image_id in newest:
        reasons.append("newest {0} of {1} kept for its role and base".format(newest[image_id], keep))
    age = now - parse_creation_date(image["CreationDate"])
    if age < datetime.timedelta(days=min_age_days):
        reasons.append("younger than min_age_days ({0})".format(min_age_days))
    reasons.extend(references.get(image_id, []))
    if image_id in shared and not include_shared:
        reasons.append("{0} (include_shared is false)".format(shared[image_id]))
    return reasons


def shared_description(launch_permissions, public=False):
    """How an image is shared out, from its launchPermission attribute; None when it is not."""
    if public:
        return "public"
    targets = []
    for permission in launch_permissions:
        if permission.get("Group") == "all":
            return "public"
        for key in ("UserId", "OrganizationArn", "OrganizationalUnitArn"):
            if permission.get(key):
                targets.append(permission[key])
    if targets:
        return "shared with " + ", ".join(sorted(targets))
    return None
