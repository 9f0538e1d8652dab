#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: efs_access_point
version_added: 0.1.0
short_description: Manage an Amazon EFS access point
description:
  - Create or delete an EFS access point, identified by its C(Name) tag within a file system.
  - Access points cannot be modified except for their tags. When an existing access point differs in O(posix_user)
    or O(root_directory), the module fails and names the differences, unless O(replace=true), in which case it
    deletes the access point and creates a new one (with a new id, so clients mounting by id must be updated).
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  file_system_id:
    description: Id of the file system the access point belongs to.
    required: true
    type: str
  name:
    description: Name of the access point, stored as its C(Name) tag; identifies it within the file system.
    required: true
    type: str
  state:
    description: Whether the access point should exist.
    choices: [present, absent]
    default: present
    type: str
  posix_user:
    description:
      - POSIX identity that every NFS request through the access point uses. Immutable.
      - When not given, requests keep the client's identity.
    type: dict
    suboptions:
      uid:
        description: User id.
        type: int
        required: true
      gid:
        description: Group id.
        type: int
        required: true
      secondary_gids:
        description: Secondary group ids.
        type: list
        elements: int
  root_directory:
    description:
      - Directory exposed as the root of the access point. Immutable.
      - When not given, the file system root C(/) is exposed.
    type: dict
    suboptions:
      path:
        description: Path of the directory (up to four subdirectories).
        type: str
        default: /
      creation_info:
        description: Owner and mode EFS applies when it creates O(root_directory.path) on first mount.
        type: dict
        suboptions:
          owner_uid:
            description: Owner user id.
            type: int
            required: true
          owner_gid:
            description: Owner group id.
            type: int
            required: true
          permissions:
            description: Octal mode, for example C("0750").
            type: str
            required: true
  replace:
    description:
      - Delete and re-create the access point when O(posix_user) or O(root_directory) differ from the existing one.
    type: bool
    default: false
  wait_timeout:
    default: 120  # the rest from jenkins_ha.aws.wait
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - jenkins_ha.aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Access point that maps every client to the jenkins user and creates /jenkins-home
  jenkins_ha.aws.efs_access_point:
    file_system_id: "{{ jenkins_home.file_system.file_system_id }}"
    name: jenkins-home
    posix_user:
      uid: 1000
      gid: 1000
    root_directory:
      path: /jenkins-home
      creation_info:
        owner_uid: 1000
        owner_gid: 1000
        permissions: "0750"
    tags:
      jenkins-ha:stack: prod

- name: Delete it
  jenkins_ha.aws.efs_access_point:
    file_system_id: "{{ jenkins_home.file_system.file_system_id }}"
    name: jenkins-home
    state: absent
"""

RETURN = r"""
access_point:
  description: The access point; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    access_point_id:
      description: Access point id.
      type: str
      sample: fsap-0123456789abcdef0
    access_point_arn:
      description: Access point ARN.
      type: str
    file_system_id:
      description: File system id.
      type: str
    name:
      description: Value of the Name tag.
      type: str
    posix_user:
      description: POSIX identity (uid, gid, secondary_gids).
      type: dict
    root_directory:
      description: Root directory (path, creation_info).
      type: dict
    life_cycle_state:
      description: Lifecycle state.
      type: str
    owner_id:
      description: Account id.
      type: str
    tags:
      description: Tags.
      type: dict
"""

import re
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import state_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import tags_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import wait_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import access_points as ap_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import transformations as tf
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.tagging import ensure_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import wait_for


def find_access_point(client, file_system_id, name):
    matches = ap_api.find_access_points_by_name(client, file_system_id, name)
    if len(matches) > 1:
        ids = ", ".join(ap["AccessPointId"] for ap in matches)
        raise AnsibleEFSError(
            message="More than one access point of {0} is named {1}: {2}".format(file_system_id, name, ids)
        )
    return matches[0] if matches else None


def get_access_point(client, access_point_id):
    found = ap_api.describe_access_points(client, access_point_id=access_point_id)
    return found[0] if found else None


def delete(module, client, access_point_id):
    ap_api.delete_access_point(client, access_point_id)
    if module.params["wait"]:
        wait_for(client, "access_point_deleted", module.params["wait_timeout"], AccessPointId=access_point_id)


def create(module, client, tags):
    params = tf.create_access_point_params(module.params, tags, client_token=str(uuid.uuid4()))
    created = ap_api.create_access_point(client, **params)
    access_point_id = created["AccessPointId"]
    if module.params["wait"]:
        wait_for(client, "access_point_available", module.params["wait_timeout"], AccessPointId=access_point_id)
    return get_access_point(client, access_point_id) or created


def ensure_present(module, client):
    params = module.params
    existing = find_access_point(client, params["file_system_id"], params["name"])
    current = tf.access_point_view(existing) if existing else {}
    tags = desired_tags(current.get("tags", {}), params["tags"], params["purge_tags"], forced={"Name": params["name"]})
    desired = tf.desired_access_point_view(params, tags)
    diff = dict(before=current, after=desired)
    if current == desired:
        return False, tf.normalize_access_point(existing), diff

    immutable = tf.immutable_differences(current, desired, tf.ACCESS_POINT_IMMUTABLE)
    if immutable and not params["replace"]:
        details = "; ".join("{0}: {1} -> {2}".format(k, current.get(k), desired.get(k)) for k in immutable)
        raise AnsibleEFSError(
            message="Access point {0} ({1}) cannot change {2} in place ({3}); set replace=true to delete and "
            "re-create it (its id will change)".format(
                params["name"], existing["AccessPointId"], ", ".join(immutable), details
            )
        )
    if module.check_mode:
        return True, tf.normalize_access_point(existing), diff

    if existing and immutable:
        delete(module, client, existing["AccessPointId"])
        existing = None
    if not existing:
        access_point = create(module, client, tags)
    else:
        ensure_tags(client, existing["AccessPointId"], current["tags"], tags, check_mode=False)
        access_point = get_access_point(client, existing["AccessPointId"])
    diff["after"] = tf.access_point_view(access_point)
    return True, tf.normalize_access_point(access_point), diff


def ensure_absent(module, client):
    params = module.params
    existing = find_access_point(client, params["file_system_id"], params["name"])
    if not existing:
        return False, {}, dict(before={}, after={})
    diff = dict(before=tf.access_point_view(existing), after={})
    if not module.check_mode:
        delete(module, client, existing["AccessPointId"])
    return True, {}, diff


def validate(module):
    root_directory = module.params["root_directory"] or {}
    creation_info = root_directory.get("creation_info") or {}
    permissions = creation_info.get("permissions")
    if permissions is not None and not re.match(r"^[0-7]{3,4}$", permissions):
        module.fail_json(
            msg="root_directory.creation_info.permissions must be 3 or 4 octal digits, got {0}".format(permissions)
        )
    path = root_directory.get("path") or "/"
    if not path.startswith("/") or len([p for p in path.split("/") if p]) > 4:
        module.fail_json(
            msg="root_directory.path must be absolute with at most four subdirectories, got {0}".format(path)
        )


def main():
    argument_spec = dict(
        file_system_id=dict(type="str", required=True),
        name=dict(type="str", required=True),
        posix_user=dict(
            type="dict",
            options=dict(
                uid=dict(type="int", required=True),
                gid=dict(type="int", required=True),
                secondary_gids=dict(type="list", elements="int"),
            ),
        ),
        root_directory=dict(
            type="dict",
            options=dict(
                path=dict(type="str", default="/"),
                creation_info=dict(
                    type="dict",
                    options=dict(
                        owner_uid=dict(type="int", required=True),
                        owner_gid=dict(type="int", required=True),
                        permissions=dict(type="str", required=True),
                    ),
                ),
            ),
        ),
        replace=dict(type="bool", default=False),
        **state_argument_spec(),
        **tags_argument_spec(),
        **wait_argument_spec(timeout=120),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    client = module.client("efs")

    try:
        if module.params["state"] == "present":
            changed, access_point, diff = ensure_present(module, client)
        else:
            changed, access_point, diff = ensure_absent(module, client)
    except AnsibleEFSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, access_point=access_point, diff=diff)


if __name__ == "__main__":
    main()
