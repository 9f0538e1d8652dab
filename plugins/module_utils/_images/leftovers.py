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

try:
    from botocore.exceptions import WaiterError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils import ec2
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.instances import describe_instances

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


def build_status(tags, now, host, alive=process_alive):
    """(over, why) of the build these tags (or a key pair's build id alone) describe: over once it can no longer be
    running, so that what it left is removable."""
    match = BUILD_ID.match(tags.get(TAG_ID, ""))
    if not match:
        return False, "no build id of packer_build"
    deadline = int(match.group("deadline"))
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(deadline))
    if deadline < now:
        return True, "its deadline {0} has passed".format(when)
    owner = tags.get(TAG_OWNER, "").split("/")
    if len(owner) != 3 or not owner[1].isdigit():
        return False, "its owner is unknown and its deadline {0} has not passed".format(when)
    if owner[0] != host:
        return False, "it runs on host {0} and its deadline {1} has not passed".format(owner[0], when)
    if alive(int(owner[1]), owner[2]):
        return False, "its process {0} on this host is running (deadline {1})".format(owner[1], when)
    return True, "its process {0} on this host has ended".format(owner[1])


def build_over(tags, now, host, alive=process_alive):
    """Whether the build these tags (or a key pair's build id) describe can no longer be running."""
    return build_status(tags, now, host, alive)[0]


def is_ours(tags, stack, roles):
    """Whether the tags mark a build instance of packer_build for this stack and one of these roles."""
    return (
        tags.get(TAG_STACK) == stack
        and tags.get(TAG_ROLE) in roles
        and tags.get(MANAGED_BY[0]) == MANAGED_BY[1]
        and bool(BUILD_ID.match(tags.get(TAG_ID, "")))
    )


def _tags(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags") or ()}


def _key_pair_build(name, stack, roles):
    """(role, build id) of a key pair packer_build named for this stack and one of these roles, else None. The build
    id's own shape ends the match, so stack "s1" never takes "jenkins-ha-build-s1-agent-x-<id>" (stack "s1-agent-x")
    nor "jenkins-ha-build-s1-agent-agent-<id>" (stack "s1-agent")."""
    for role in roles:
        prefix = key_pair_prefix(stack, role)
        if name.startswith(prefix) and BUILD_ID.match(name[len(prefix) :]):
            return role, name[len(prefix) :]
    return None


def _kept(kind, resource_id, role, build_id, reason):
    return {"type": kind, "id": resource_id, "role": role, "build_id": build_id, "reason": reason}


def select_leftovers(stack, roles, instances, key_pairs, groups, now, host, alive=process_alive):
    """(what to remove, what is kept and why).

    What to remove: {"instances": ids to terminate, "key_pairs": names, "security_groups": ids}. What is kept: one
    entry per resource of a build of these that is not over ({"type": instance|key_pair|security_group, "id", "role",
    "build_id", "reason"}), and per Packer group of an over build that another live instance still uses.

    instances: DescribeInstances' instances (any state); key_pairs: DescribeKeyPairs' pairs; groups: the security
    groups those instances name, as DescribeSecurityGroups returns them. Only this stack's builds of these roles that
    are over count; a security group only when Packer made it (its name and description) and no instance of another,
    live, build or of anyone else uses it.
    """
    ours_over, kept, users = [], [], {}
    status = {}  # build id -> (over, why), from its instance's tags when EC2 still lists the instance
    for instance in instances:
        tags = _tags(instance)
        group_ids = {g["GroupId"] for g in instance.get("SecurityGroups") or ()}
        live = instance.get("State", {}).get("Name") in LIVE_STATES
        if is_ours(tags, stack, roles):
            over, why = status[tags[TAG_ID]] = build_status(tags, now, host, alive)
            if over:
                ours_over.append(instance)
                continue
            if live:
                kept.append(_kept("instance", instance["InstanceId"], tags[TAG_ROLE], tags[TAG_ID], why))
        if live:
            for group_id in group_ids:
                users.setdefault(group_id, instance["InstanceId"])
    key_names = []
    for pair in key_pairs:
        name = pair.get("KeyName", "")
        build = _key_pair_build(name, stack, roles)
        if build is None:
            continue
        over, why = status.get(build[1]) or build_status({TAG_ID: build[1]}, now, host, alive)
        if over:
            key_names.append(name)
        else:
            kept.append(_kept("key_pair", name, build[0], build[1], why))
    group_ids = []
    for group in groups:
        builds = [i for i in ours_over if group["GroupId"] in {g["GroupId"] for g in i.get("SecurityGroups") or ()}]
        if not builds or not PACKER_GROUP_NAME.match(group.get("GroupName", "")):
            continue
        if group.get("Description") != PACKER_GROUP_DESCRIPTION:
            continue
        if group["GroupId"] in users:
            tags = _tags(builds[0])
            why = "instance {0} still uses it".format(users[group["GroupId"]])
            kept.append(_kept("security_group", group["GroupId"], tags[TAG_ROLE], tags[TAG_ID], why))
        else:
            group_ids.append(group["GroupId"])
    removal = {
        "instances": sorted(i["InstanceId"] for i in ours_over if i.get("State", {}).get("Name") in LIVE_STATES),
        "key_pairs": sorted(key_names),
        "security_groups": sorted(group_ids),
    }
    return removal, sorted(kept, key=lambda k: (k["build_id"], k["type"], k["id"]))


def running_builds(kept):
    """The kept resources that belong to a build still running (not a group kept for another instance's sake)."""
    return [k for k in kept if k["type"] in ("instance", "key_pair")]


# AWS calls: few and small (one stack's build instances, its key pairs, the groups they name), through amazon.aws's
# module_utils/ec2.py (10.1.2) helpers: retried (AWSRetry.jittered_backoff) and raising AnsibleEC2Error.


def _describe_groups(client, group_ids):
    if not group_ids:
        return []
    # A filter, not GroupIds: a group Packer did delete must not fail the whole call.
    return ec2.describe_security_groups(client, Filters=[{"Name": "group-id", "Values": sorted(group_ids)}])


def find_leftovers(client, stack, roles, now=None, host=None, alive=process_alive):
    """Look the build resources of this stack's builds of these roles up and select (see select_leftovers)."""
    instances = describe_instances(
        client,
        [
            {"Name": "tag:" + TAG_STACK, "Values": [stack]},
            {"Name": "tag:" + TAG_ROLE, "Values": sorted(roles)},
        ],
    )
    # Instances of anyone that may share a Packer group: a group is deleted only when none of them is alive.
    group_ids = {g["GroupId"] for i in instances for g in i.get("SecurityGroups") or ()}
    sharing = (
        describe_instances(
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
    # DescribeKeyPairs is not paginated; select_leftovers keeps only names of this stack's builds.
    key_pairs = ec2.describe_key_pairs(client)
    groups = _describe_groups(client, group_ids)
    return select_leftovers(
        stack,
        roles,
        instances,
        key_pairs,
        groups,
        int(time.time() if now is None else now),
        host or socket.gethostname(),
        alive,
    )


# A group is refused while the terminated instance's interface is still being released: retried for a while. One
# already gone is not an error (the deletion handler).
@ec2.EC2SecurityGroupsErrorHandler.deletion_error_handler("delete Packer's security group")
@AWSRetry.jittered_backoff(retries=10, delay=5, catch_extra_error_codes=["DependencyViolation"])
def _delete_group(client, group_id):
    client.delete_security_group(GroupId=group_id)
    return True


def remove_leftovers(client, leftovers, wait_delay=5, wait_attempts=60):
    """Terminate the instances, wait until they are terminated, then delete the key pairs and security groups."""
    if leftovers["instances"]:
        ec2.terminate_instances(client, list(leftovers["instances"]))
        try:
            client.get_waiter("instance_terminated").wait(
                InstanceIds=leftovers["instances"], WaiterConfig={"Delay": wait_delay, "MaxAttempts": wait_attempts}
            )
        except WaiterError as e:
            raise ec2.AnsibleEC2Error(
                message="build instances {0} not terminated".format(", ".join(leftovers["instances"])), exception=e
            ) from e
    for name in leftovers["key_pairs"]:
        ec2.delete_key_pair(client, key_name=name)
    for group_id in leftovers["security_groups"]:
        _delete_group(client, group_id)
