# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a Packer build of packer_build leaves behind when it is killed, and which of it is provably ours to remove.

Packer's amazon-ebs builder (1.6.6) creates a temporary key pair, a temporary security group and the build instance,
and removes them in its steps' Cleanup, which runs on error and on SIGINT/SIGTERM (command/signal.go
handleTermInterrupt: the first signal cancels the build context) but never when Packer is SIGKILLed. What
1.6.6 lets us mark:
  - the instance: run_tags (applied at launch), so it carries BUILD_TAGS below;
  - the key pair: temporary_key_pair_name (the default is packer_<uuid>), so its name carries the stack, the role
    and the build id;
  - the security group: nothing; its name is hard-coded packer_<uuid>, description "Temporary group for Packer"
    (builder/amazon/common/step_security_group.go; both strings are in the 1.6.6 binary). It is ours only through
    an instance of ours that uses it, so a group created by a build killed before it launched its instance (a window
    of seconds) cannot be proven ours and is left alone.

A build is over (its leftovers removable) when the process that ran it is gone: the owner tag names host, pid and the
process' start time; on another host, or without /proc, only its deadline (start + the module's timeout, after which
the module kills Packer) proves it over.
"""

import os
import re
import socket
import time
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

TAG_STACK = "jenkins-ha:build-stack"
TAG_ROLE = "jenkins-ha:build-role"
TAG_ID = "jenkins-ha:build-id"
TAG_OWNER = "jenkins-ha:build-owner"
TAG_DEADLINE = "jenkins-ha:build-deadline"
MANAGED_BY = ("managed-by", "jenkins_ha.aws")

KEY_PAIR_PREFIX = "jenkins-ha-build"
# <deadline epoch>-<12 hex>: the deadline is in the id so a key pair whose instance never launched can be judged.
BUILD_ID = re.compile(r"^(?P<deadline>[0-9]{1,12})-[0-9a-f]{12}$")
PACKER_GROUP_NAME = re.compile(r"^packer_[0-9a-f-]{36}$")
PACKER_GROUP_DESCRIPTION = "Temporary group for Packer"
NO_TIMEOUT_DEADLINE = 86400
LIVE_STATES = ("pending", "running", "stopping", "stopped", "shutting-down")


class Build:
    """One build's identity: its id, owner and deadline, and the names and tags Packer is given."""

    def __init__(self, stack, role, timeout, now=None, host=None, pid=None, start=None):
        now = int(time.time() if now is None else now)
        self.stack, self.role = stack, role
        # timeout 0 (no limit) still needs a deadline for a build seen from another host: a day.
        self.build_id = "{0}-{1}".format(
            now + (int(timeout) if timeout and timeout > 0 else NO_TIMEOUT_DEADLINE), uuid.uuid4().hex[:12]
        )
        pid = os.getpid() if pid is None else pid
        self.owner = "{0}/{1}/{2}".format(
            host or socket.gethostname(), pid, process_start(pid) if start is None else start
        )

    def tags(self):
        return {
            TAG_STACK: self.stack,
            TAG_ROLE: self.role,
            TAG_ID: self.build_id,
            TAG_OWNER: self.owner,
            TAG_DEADLINE: self.build_id.split("-", 1)[0],
        }

    def key_pair_name(self):
        return key_pair_prefix(self.stack, self.role) + self.build_id


def key_pair_prefix(stack, role):
    return "{0}-{1}-{2}-".format(KEY_PAIR_PREFIX, stack, role)


def process_start(pid, proc="/proc"):
    """The process' start time in clock ticks since boot (/proc/<pid>/stat field 22), "" without /proc, None when
    there is no such process: a pid reused by a later process has another start time."""
    if not os.path.isdir(proc):
        return ""
    try:
        with open(os.path.join(proc, str(pid), "stat"), encoding="utf-8") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")".
    return stat.rsplit(")", 1)[1].split()[19]


def process_alive(pid, start, proc="/proc"):
    now_start = process_start(pid, proc)
    if now_start is None:
        return False
    if now_start == "" or start == "":
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return now_start == start


def build_over(tags, now, host, alive=process_alive):
    """Whether the build these tags (or a key pair's build id) describe can no longer be running."""
    match = BUILD_ID.match(tags.get(TAG_ID, ""))
    if not match:
        return False
    if int(match.group("deadline")) < now:
        return True
    owner = tags.get(TAG_OWNER, "").split("/")
    if len(owner) != 3 or owner[0] != host or not owner[1].isdigit():
        return False
    return not alive(int(owner[1]), owner[2])


def is_ours(tags, stack, role):
    return (
        tags.get(TAG_STACK) == stack
        and tags.get(TAG_ROLE) == role
        and tags.get(MANAGED_BY[0]) == MANAGED_BY[1]
        and bool(BUILD_ID.match(tags.get(TAG_ID, "")))
    )


def _tags(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags") or ()}


def select_leftovers(stack, role, instances, key_pairs, groups, now, host, alive=process_alive):
    """What to remove: {"instances": ids to terminate, "key_pairs": names, "security_groups": ids}.

    instances: DescribeInstances' instances (any state); key_pairs: DescribeKeyPairs' pairs; groups: the security
    groups those instances name, as DescribeSecurityGroups returns them. Only this stack's and role's builds that are
    over count; a security group only when Packer made it (its name and description) and no instance of another,
    live, build or of anyone else uses it.
    """
    ours_over, in_use = [], set()
    for instance in instances:
        tags = _tags(instance)
        group_ids = {g["GroupId"] for g in instance.get("SecurityGroups") or ()}
        over = is_ours(tags, stack, role) and build_over(tags, now, host, alive)
        if over:
            ours_over.append(instance)
        elif instance.get("State", {}).get("Name") in LIVE_STATES:
            in_use |= group_ids
    prefix = key_pair_prefix(stack, role)
    over_ids = {_tags(i)[TAG_ID] for i in ours_over}
    key_names = set()
    for pair in key_pairs:
        name = pair.get("KeyName", "")
        build_id = name[len(prefix) :] if name.startswith(prefix) else ""
        if BUILD_ID.match(build_id) and (build_id in over_ids or build_over({TAG_ID: build_id}, now, host, alive)):
            key_names.add(name)
    candidates = {g for i in ours_over for g in (x["GroupId"] for x in i.get("SecurityGroups") or ())}
    group_ids = sorted(
        g["GroupId"]
        for g in groups
        if g["GroupId"] in candidates
        and g["GroupId"] not in in_use
        and PACKER_GROUP_NAME.match(g.get("GroupName", ""))
        and g.get("Description") == PACKER_GROUP_DESCRIPTION
    )
    return {
        "instances": sorted(i["InstanceId"] for i in ours_over if i.get("State", {}).get("Name") in LIVE_STATES),
        "key_pairs": sorted(key_names),
        "security_groups": group_ids,
    }


# AWS calls: few and small (one stack's build instances, its key pairs, the groups they name).


@AWSRetry.jittered_backoff()
def _describe_instances(client, filters):
    paginator = client.get_paginator("describe_instances")
    return [i for page in paginator.paginate(Filters=filters) for r in page["Reservations"] for i in r["Instances"]]


# DescribeKeyPairs is not paginated; select_leftovers keeps only names with this stack's and role's prefix.
@AWSRetry.jittered_backoff()
def _describe_key_pairs(client):
    return client.describe_key_pairs()["KeyPairs"]


@AWSRetry.jittered_backoff()
def _describe_groups(client, group_ids):
    if not group_ids:
        return []
    # A filter, not GroupIds: a group Packer did delete must not fail the whole call.
    paginator = client.get_paginator("describe_security_groups")
    filters = [{"Name": "group-id", "Values": sorted(group_ids)}]
    return [g for page in paginator.paginate(Filters=filters) for g in page["SecurityGroups"]]


def find_leftovers(client, stack, role, now=None, host=None, alive=process_alive):
    """Look the build resources up and select the leftovers (see select_leftovers)."""
    instances = _describe_instances(
        client,
        [
            {"Name": "tag:" + TAG_STACK, "Values": [stack]},
            {"Name": "tag:" + TAG_ROLE, "Values": [role]},
        ],
    )
    # Instances of anyone that may share a Packer group: a group is deleted only when none of them is alive.
    group_ids = {g["GroupId"] for i in instances for g in i.get("SecurityGroups") or ()}
    sharing = (
        _describe_instances(
            client,
            [
                {"Name": "instance.group-id", "Values": sorted(group_ids)},
                {"Name": "instance-state-name", "Values": list(LIVE_STATES)},
            ],
        )
        if group_ids
        else []
    )
    seen = {i["InstanceId"] for i in instances}
    instances += [i for i in sharing if i["InstanceId"] not in seen]
    key_pairs = _describe_key_pairs(client)
    groups = _describe_groups(client, group_ids)
    return select_leftovers(
        stack,
        role,
        instances,
        key_pairs,
        groups,
        int(time.time() if now is None else now),
        host or socket.gethostname(),
        alive,
    )


@AWSRetry.jittered_backoff()
def _terminate(client, instance_ids):
    client.terminate_instances(InstanceIds=list(instance_ids))


@AWSRetry.jittered_backoff()
def _delete_key_pair(client, name):
    client.delete_key_pair(KeyName=name)


# A group is refused while the terminated instance's interface is still being released: retried for a while.
@AWSRetry.jittered_backoff(retries=10, delay=5, catch_extra_error_codes=["DependencyViolation"])
def _delete_group(client, group_id):
    try:
        client.delete_security_group(GroupId=group_id)
    except is_boto3_error_code("InvalidGroup.NotFound"):
        pass


def remove_leftovers(client, leftovers, wait_delay=5, wait_attempts=60):
    """Terminate the instances, wait until they are terminated, then delete the key pairs and security groups."""
    if leftovers["instances"]:
        _terminate(client, leftovers["instances"])
        client.get_waiter("instance_terminated").wait(
            InstanceIds=leftovers["instances"], WaiterConfig={"Delay": wait_delay, "MaxAttempts": wait_attempts}
        )
    for name in leftovers["key_pairs"]:
        _delete_key_pair(client, name)
    for group_id in leftovers["security_groups"]:
        _delete_group(client, group_id)
