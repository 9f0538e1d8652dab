"""Housekeeping playbooks (playbooks/housekeeping/) against the emulator: they act on what they should and never on
what they must keep."""

import base64
import json
import os
import sys
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.emulator.testhooks import backdate_recovery_point
from tests.integration.agents import AGENT_HOME, AGENT_USER, AGENT_USER_SCRIPT
from tests.integration.harness import ROOT
from tests.unit.fakes.conftest import CASC as STANDIN_CASC
from tests.unit.fakes.conftest import StandIn

HOUSEKEEPING = ROOT / "playbooks" / "housekeeping"
IAM_ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def unique(prefix):
    return "{0}-{1}".format(prefix, uuid.uuid4().hex[:8])


# --- backup_check.yml -------------------------------------------------------------------------------------------


@pytest.fixture
def backed_up_stack(emulator):
    """A stack with an EFS file system recorded in SSM and an empty vault."""
    stack = unique("bk")
    efs, ssm, backup = emulator.client("efs"), emulator.client("ssm"), emulator.client("backup")
    file_system = efs.create_file_system(CreationToken=stack, Encrypted=True)
    ssm.put_parameter(
        Name="/jenkins-ha/{0}/efs/file-system-id".format(stack), Value=file_system["FileSystemId"], Type="String"
    )
    vault = stack + "-backup"
    backup.create_backup_vault(BackupVaultName=vault)
    return {"stack": stack, "vault": vault, "arn": file_system["FileSystemArn"], "id": file_system["FileSystemId"]}


def run_backup_check(playbook, stack, **settings):
    extra = {"jenkins_ha_housekeeping_stack": stack}
    extra.update({"jenkins_ha_housekeeping_" + key: value for key, value in settings.items()})
    return playbook(HOUSEKEEPING / "backup_check.yml", extra_vars=[extra])


def test_backup_check_fails_without_recovery_point(playbook, backed_up_stack):
    result = run_backup_check(playbook, backed_up_stack["stack"])
    assert result.rc != 0
    assert "RPO VIOLATED" in result.output
    assert "no completed recovery point of EFS file system " + backed_up_stack["id"] in result.output


def test_backup_check_passes_after_a_backup_job(playbook, emulator, backed_up_stack):
    emulator.client("backup").start_backup_job(
        BackupVaultName=backed_up_stack["vault"], ResourceArn=backed_up_stack["arn"], IamRoleArn=IAM_ROLE
    )
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=1)
    assert result.rc == 0, result.output[-4000:]
    assert "RPO met for stack " + backed_up_stack["stack"] in result.output
    # The vault setting narrows the search to that vault; the point is there.
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=1, backup_vault=backed_up_stack["vault"])
    assert result.rc == 0, result.output[-4000:]


def test_backup_check_fails_when_the_newest_point_is_older_than_the_rpo(playbook, emulator, backed_up_stack):
    job = emulator.client("backup").start_backup_job(
        BackupVaultName=backed_up_stack["vault"], ResourceArn=backed_up_stack["arn"], IamRoleArn=IAM_ROLE
    )
    taken = (datetime.now(timezone.utc) - timedelta(hours=30)).replace(microsecond=0)
    backdate_recovery_point(emulator.url, job["RecoveryPointArn"], taken)
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=24)
    assert result.rc != 0
    assert "RPO VIOLATED" in result.output
    assert "taken {0}".format(taken.isoformat()) in result.output
    assert "the RPO is 24 h" in result.output


def test_backup_check_judges_the_newest_point_only(playbook, emulator, backed_up_stack):
    backup = emulator.client("backup")
    old = backup.start_backup_job(
        BackupVaultName=backed_up_stack["vault"], ResourceArn=backed_up_stack["arn"], IamRoleArn=IAM_ROLE
    )
    backdate_recovery_point(emulator.url, old["RecoveryPointArn"], datetime.now(timezone.utc) - timedelta(hours=30))
    backup.start_backup_job(
        BackupVaultName=backed_up_stack["vault"], ResourceArn=backed_up_stack["arn"], IamRoleArn=IAM_ROLE
    )
    result = run_backup_check(playbook, backed_up_stack["stack"], rpo_hours=24)
    assert result.rc == 0, result.output[-4000:]
    assert "RPO met for stack " + backed_up_stack["stack"] in result.output


def test_backup_check_names_a_missing_stack(playbook):
    result = run_backup_check(playbook, unique("nostack"))
    assert result.rc != 0
    assert "has no EFS file system id in SSM" in result.output


# --- image_retention.yml ----------------------------------------------------------------------------------------


def test_image_retention_playbook_check_then_apply(playbook, emulator):
    ec2 = emulator.client("ec2")
    stack = unique("img")
    base = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=base, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    images = []
    for index in range(3):
        image_id = ec2.create_image(InstanceId=instance, Name="{0}-{1}".format(stack, index))["ImageId"]
        tags = {"jenkins-ha:role": "agent", "jenkins-ha:base": "debian-12", "jenkins-ha:stack": stack}
        tags["jenkins-ha:build-time"] = "2025-01-01T00:00:0{0}Z".format(index)
        ec2.create_tags(Resources=[image_id], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        images.append(image_id)
    ec2.terminate_instances(InstanceIds=[instance])
    settings = {
        "jenkins_ha_housekeeping_image_stack": stack,
        "jenkins_ha_housekeeping_image_keep": 1,
        "jenkins_ha_housekeeping_image_min_age_days": 0,
    }

    def remaining():
        found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "tag:jenkins-ha:stack", "Values": [stack]}])
        return sorted(image["ImageId"] for image in found["Images"])

    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[settings], check=True)
    assert result.rc == 0, result.output[-4000:]
    assert "Would deregister 2 image(s)" in result.output
    assert remaining() == sorted(images)

    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[settings])
    assert result.rc == 0, result.output[-4000:]
    assert "Deregistered 2 image(s)" in result.output
    assert remaining() == [images[2]]

    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[settings])
    assert result.rc == 0 and result.changed() == 0, result.output[-4000:]


def test_image_retention_playbook_rejects_bad_settings(playbook):
    result = playbook(HOUSEKEEPING / "image_retention.yml", extra_vars=[{"jenkins_ha_housekeeping_image_keep": "x"}])
    assert result.rc != 0
    assert "jenkins_ha_housekeeping_image_keep" in result.output


# --- agents_offline.yml against the Jenkins stand-in ------------------------------------------------------------


def launch_agents(emulator, stack, pools):
    """One instance of the stack per entry of pools: its jenkins-ha:pool tag, None for none, or "asg" for an
    untagged instance of a <stack>-agent Auto Scaling group (the default pool of a stack from before pools)."""
    ec2 = emulator.client("ec2")
    base = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ids = []
    for pool in pools:
        stack_tag = {"Key": "jenkins-ha:stack", "Value": stack}
        if pool == "asg":
            ec2.create_launch_template(LaunchTemplateName=stack + "-agent", LaunchTemplateData={"ImageId": base})
            emulator.client("autoscaling").create_auto_scaling_group(
                AutoScalingGroupName=stack + "-agent",
                LaunchTemplate={"LaunchTemplateName": stack + "-agent"},
                MinSize=1,
                MaxSize=1,
                AvailabilityZones=["us-east-1a"],
                Tags=[dict(stack_tag, PropagateAtLaunch=True)],
            )
            group = emulator.client("autoscaling").describe_auto_scaling_groups(
                AutoScalingGroupNames=[stack + "-agent"]
            )
            ids.append(group["AutoScalingGroups"][0]["Instances"][0]["InstanceId"])
            continue
        tags = [stack_tag] + ([{"Key": "jenkins-ha:pool", "Value": pool}] if pool else [])
        spec = [{"ResourceType": "instance", "Tags": tags}]
        found = ec2.run_instances(ImageId=base, MinCount=1, MaxCount=1, TagSpecifications=spec)["Instances"]
        ids += [i["InstanceId"] for i in found]
    return ids


@pytest.fixture
def jenkins_stack(emulator, standin_war, tmp_path, request):
    """A stack with two agent instances (in the pools an indirect parametrization names, default none), its Jenkins
    stand-in and the SSM parameters naming it."""
    stack = unique("agents")
    ec2, ssm = emulator.client("ec2"), emulator.client("ssm")
    online, offline_long = launch_agents(emulator, stack, getattr(request, "param", (None, None)))
    orphan = "i-0deadbeef" + uuid.uuid4().hex[:8]
    nodes = [
        {"name": online, "offline": False},
        {
            "name": offline_long,
            "offline": True,
            "offlineMinutesAgo": 300,
            "offlineCauseReason": "Connection was broken",
        },
        {"name": orphan, "offline": False},
        {"name": "static agent", "offline": True, "temporarilyOffline": True, "offlineMinutesAgo": 300},
        {"name": "flaky agent", "offline": True, "offlineMinutesAgo": 10},
    ]
    jenkins = StandIn(standin_war, tmp_path)
    jenkins.casc.write_text(STANDIN_CASC)
    (jenkins.secrets / "JENKINS_ADMIN_PASSWORD").write_text("correct horse\n")
    (jenkins.home / "fake-nodes.json").write_text(json.dumps({"nodes": nodes}))
    jenkins.start()
    prefix = "/jenkins-ha/{0}/controller/".format(stack)
    ssm.put_parameter(Name=prefix + "url", Value=jenkins.url + "/", Type="String")
    ssm.put_parameter(Name=prefix + "admin-username", Value="admin", Type="String")
    ssm.put_parameter(Name=prefix + "admin-password", Value="correct horse", Type="SecureString")
    yield {"stack": stack, "jenkins": jenkins, "online": online, "offline_long": offline_long, "orphan": orphan}
    jenkins.stop()
    groups = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[stack + "-agent"])
    if groups["AutoScalingGroups"]:
        emulator.client("autoscaling").delete_auto_scaling_group(
            AutoScalingGroupName=stack + "-agent", ForceDelete=True
        )
    ec2.terminate_instances(InstanceIds=[online, offline_long])


def node_names(jenkins):
    request = urllib.request.Request(jenkins.url + "/computer/api/json")
    request.add_header("Authorization", "Basic " + base64.b64encode(b"admin:correct horse").decode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        computers = json.load(answer)["computer"]
    return sorted(c["displayName"] for c in computers if c["displayName"] != "Built-In Node")


def test_agents_offline_removes_stale_and_orphaned_agents_only(playbook, jenkins_stack):
    jenkins = jenkins_stack["jenkins"]
    before = node_names(jenkins)
    settings = {
        "jenkins_ha_housekeeping_stack": jenkins_stack["stack"],
        "jenkins_ha_housekeeping_agents_offline_minutes": 60,
    }

    result = playbook(HOUSEKEEPING / "agents_offline.yml", extra_vars=[settings], check=True)
    assert result.rc == 0, result.output[-4000:]
    assert "Would remove 2 of 5 agent(s)" in result.output, result.output[-3000:]
    assert node_names(jenkins) == before

    result = playbook(HOUSEKEEPING / "agents_offline.yml", extra_vars=[settings])
    assert result.rc == 0, result.output[-4000:]
    assert "Removed 2 of 5 agent(s)" in result.output, result.output[-3000:]
    assert "correct horse" not in result.output
    gone = {jenkins_stack["offline_long"], jenkins_stack["orphan"]}
    assert node_names(jenkins) == sorted(set(before) - gone)
    assert {jenkins_stack["online"], "static agent", "flaky agent"} <= set(node_names(jenkins))

    result = playbook(HOUSEKEEPING / "agents_offline.yml", extra_vars=[settings])
    assert result.rc == 0 and result.changed() == 0, result.output[-4000:]


@pytest.mark.parametrize("jenkins_stack", [("spot", "asg")], indirect=True, ids=["pools"])
def test_agents_offline_with_a_pool_filter_removes_only_that_pools_agents(playbook, emulator, jenkins_stack):
    """The online agent is in pool spot, the long-offline one an untagged instance of <stack>-agent (pool default):
    a filter on spot removes nothing (the orphan's pool is unknown, so it stays too); a filter on default removes the
    offline agent, whose instance the EC2 Fleet plugin then terminates (the report names it)."""
    jenkins = jenkins_stack["jenkins"]
    before = node_names(jenkins)
    settings = {"jenkins_ha_housekeeping_stack": jenkins_stack["stack"], "jenkins_ha_housekeeping_pools": ["spot"]}
    result = playbook(HOUSEKEEPING / "agents_offline.yml", extra_vars=[settings])
    assert result.rc == 0, result.output[-4000:]
    assert "Removed 0 of 5 agent(s) of stack {0} (pools spot)".format(jenkins_stack["stack"]) in result.output
    assert node_names(jenkins) == before

    result = playbook(
        HOUSEKEEPING / "agents_offline.yml", extra_vars=[dict(settings, jenkins_ha_housekeeping_pools=["default"])]
    )
    assert result.rc == 0, result.output[-4000:]
    assert "Removed 1 of 5 agent(s)" in result.output, result.output[-3000:]
    assert node_names(jenkins) == sorted(set(before) - {jenkins_stack["offline_long"]})
    report = result.output[result.output.index("TASK [jenkins_ha.aws.jenkins_ha_housekeeping : Report the agents]") :]
    lines = [line.strip() for line in report.splitlines()]
    terminated = lines[lines.index("instances_ec2_fleet_may_terminate:") + 1]
    assert terminated == "- " + jenkins_stack["offline_long"], report


def test_agents_offline_wrong_password_fails_without_leaking_it(playbook, emulator, jenkins_stack):
    emulator.client("ssm").put_parameter(
        Name="/jenkins-ha/{0}/controller/admin-password".format(jenkins_stack["stack"]),
        Value="not the password",
        Type="SecureString",
        Overwrite=True,
    )
    result = playbook(
        HOUSEKEEPING / "agents_offline.yml", extra_vars=[{"jenkins_ha_housekeeping_stack": jenkins_stack["stack"]}]
    )
    assert result.rc != 0
    assert "credentials were rejected" in result.output
    assert "not the password" not in result.output


# --- workspace_cleanup.yml: agents found by jenkins_ec2 (containers), and a local tree -----------------------------

DAY = 24 * 3600


def make_tree(root, entries):
    """entries: {relative path: age in days}; directories get a file inside, then every mtime is set."""
    for relative, age in entries.items():
        path = root / relative
        path.mkdir(parents=True)
        (path / "file.txt").write_text("x" * 1024)
    now = time.time()
    for relative, age in entries.items():
        stamp = now - age * DAY
        os.utime(root / relative / "file.txt", (stamp, stamp))
        os.utime(root / relative, (stamp, stamp))


def agent_inventory(tmp_path):
    inventory = tmp_path / "inventory.yml"
    host = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "ansible_become": False}
    inventory.write_text(json.dumps({"all": {"children": {"agent": {"hosts": {"agent-1": host}}}}}))
    return inventory


@pytest.fixture
def agent_tree(tmp_path):
    workspace, caches = tmp_path / "workspace", tmp_path / "caches"
    make_tree(workspace, {"old-job": 10, "old-job@tmp": 10, "recent-job": 2, "new-job": 0})
    make_tree(caches, {"old-maven": 30, "gradle": 1})
    settings = {
        "jenkins_ha_housekeeping_workspace_paths": [str(workspace)],
        "jenkins_ha_housekeeping_cache_paths": [str(caches), str(tmp_path / "missing")],
        "jenkins_ha_housekeeping_workspace_max_age_days": 7,
        "jenkins_ha_housekeeping_workspace_disk_threshold_percent": 100,
    }
    return {"workspace": workspace, "caches": caches, "settings": settings, "inventory": agent_inventory(tmp_path)}


def listing(path):
    return sorted(p.name for p in path.iterdir())


TREE_SCRIPT = """
import os, time
now = time.time()
for relative, age in {entries!r}.items():
    path = os.path.join({root!r}, relative)
    os.makedirs(path)
    with open(os.path.join(path, "file.txt"), "w") as handle:
        handle.write("x" * 1024)
    stamp = now - age * 86400
    os.utime(os.path.join(path, "file.txt"), (stamp, stamp))
    os.utime(path, (stamp, stamp))
"""


def container_listing(host, path):
    return sorted(host.sh("ls -A {0}".format(path)).split())


def plant_link(link, target, age_days):
    """A symlink as a build could leave it, aged like an old entry; its directory keeps its own mtime."""
    parent = os.path.dirname(link)
    before = os.stat(parent)
    os.symlink(target, link)
    stamp = time.time() - age_days * DAY
    os.utime(link, (stamp, stamp), follow_symlinks=False)
    os.utime(parent, (before.st_atime, before.st_mtime))


# plant_link for a container (its python3 runs this as root).
LINK_SCRIPT = """
import os, time
for link, target, age in {links!r}:
    parent = os.path.dirname(link)
    before = os.stat(parent)
    os.symlink(target, link)
    stamp = time.time() - age * 86400
    os.utime(link, (stamp, stamp), follow_symlinks=False)
    os.utime(parent, (before.st_atime, before.st_mtime))
"""


def test_workspace_cleanup_on_agents_found_by_jenkins_ec2(playbook, fleet):
    """Two emulated agents (and a controller that must be left alone) found by the jenkins_ec2 inventory, each a
    podman container; the playbook runs with the default paths under /var/lib/jenkins-agent, as the agent user the
    trees belong to. A build left symlinks to root's files outside the workspace: the links go, their target stays."""
    stacks = fleet(unique("ws"))
    agents = stacks.launch("agent", 2, prepare=AGENT_USER_SCRIPT)
    (controller,) = stacks.launch("controller", 1)
    workspace, caches = AGENT_HOME + "/workspace", AGENT_HOME + "/caches"
    trees = [
        ({"old-job": 10, "old-job@tmp": 10, "recent-job": 2}, {"old-maven": 30, "gradle": 1}),
        ({"new-job": 0}, {"npm": 9}),
    ]
    for host, (jobs, cache) in zip(agents, trees):
        host.python(TREE_SCRIPT.format(entries=jobs, root=workspace) + TREE_SCRIPT.format(entries=cache, root=caches))
    agents[0].python(TREE_SCRIPT.format(entries={"precious": 30}, root="/srv/outside"))
    links = [
        (workspace + "/old-link", "/srv/outside/precious", 10),
        (workspace + "/old-job/escape", "/srv/outside", 10),
    ]
    agents[0].python(LINK_SCRIPT.format(links=links))
    for host in agents:
        # -h: the links themselves, never what they point at.
        host.sh("chown -R -h {0}: {1} {2}".format(AGENT_USER, workspace, caches))
    controller.python(TREE_SCRIPT.format(entries={"old-job": 10}, root=workspace))
    before = [(container_listing(h, workspace), container_listing(h, caches)) for h in agents]

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", inventory=stacks.inventory, check=True)
    assert result.rc == 0, result.output[-4000:]
    assert "Would remove 4 workspace/cache entries on " + agents[0].instance_id in result.output, result.output[-3000:]
    assert "Would remove 1 workspace/cache entries on " + agents[1].instance_id in result.output, result.output[-3000:]
    assert [(container_listing(h, workspace), container_listing(h, caches)) for h in agents] == before

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", inventory=stacks.inventory)
    assert result.rc == 0, result.output[-4000:]
    assert container_listing(agents[0], workspace) == ["recent-job"]
    assert container_listing(agents[0], caches) == ["gradle"]
    assert container_listing(agents[1], workspace) == ["new-job"]
    assert container_listing(agents[1], caches) == []
    # The links went, not what they pointed at (root's, outside the workspace).
    assert container_listing(agents[0], "/srv/outside") == ["precious"]
    assert container_listing(agents[0], "/srv/outside/precious") == ["file.txt"]
    # The controller is not an agent: its old directory stays.
    assert container_listing(controller, workspace) == ["old-job"]
    assert controller.instance_id not in result.recap

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", inventory=stacks.inventory)
    assert result.rc == 0, result.output[-4000:]
    assert all(result.changed(host.instance_id) == 0 for host in agents), result.output[-4000:]


def test_workspace_cleanup_above_threshold_keeps_only_the_newest_workspace(playbook, agent_tree):
    settings = dict(agent_tree["settings"], jenkins_ha_housekeeping_workspace_disk_threshold_percent=0)
    run = dict(inventory=agent_tree["inventory"], extra_vars=[settings])

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", check=True, **run)
    assert result.rc == 0, result.output[-4000:]
    assert "Would remove 4 workspace/cache entries" in result.output, result.output[-3000:]

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", **run)
    assert result.rc == 0, result.output[-4000:]
    assert listing(agent_tree["workspace"]) == ["new-job"]
    # Caches are cleaned by age only.
    assert listing(agent_tree["caches"]) == ["gradle"]


def test_workspace_cleanup_pool_filter(playbook, agent_tree, tmp_path):
    """A pool filter skips agents of other pools, cleans its own, and refuses hosts whose pool is unknown."""
    before = (listing(agent_tree["workspace"]), listing(agent_tree["caches"]))
    untagged = {
        "inventory": agent_tree["inventory"],
        "extra_vars": [dict(agent_tree["settings"], jenkins_ha_housekeeping_pools=["spot"])],
    }
    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", **untagged)
    assert result.rc != 0
    assert "has no jenkins_ha_pool host variable" in result.output, result.output[-3000:]

    inventory = json.loads(agent_tree["inventory"].read_text())
    inventory["all"]["children"]["agent"]["hosts"]["agent-1"]["jenkins_ha_pool"] = "spot"
    pooled = tmp_path / "pooled.yml"
    pooled.write_text(json.dumps(inventory))
    other = dict(agent_tree["settings"], jenkins_ha_housekeeping_pools=["default"])
    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", inventory=pooled, extra_vars=[other])
    assert result.rc == 0, result.output[-4000:]
    assert "workspace/cache entries" not in result.output
    assert (listing(agent_tree["workspace"]), listing(agent_tree["caches"])) == before

    own = dict(agent_tree["settings"], jenkins_ha_housekeeping_pools=["default", "spot"])
    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", inventory=pooled, extra_vars=[own])
    assert result.rc == 0, result.output[-4000:]
    assert listing(agent_tree["workspace"]) == ["new-job", "recent-job"]


def test_workspace_cleanup_never_follows_symlinks(playbook, agent_tree, tmp_path):
    """What a build can leave in the directories it controls: a link to a directory outside the workspace (as an
    old entry, and inside an old workspace), and a workspace directory replaced by a link to one. The links go, their
    targets stay; the linked workspace directory is left alone (listing it would list the target's entries)."""
    outside = tmp_path / "outside"
    make_tree(outside, {"precious": 30, "also-old": 30})
    workspace = agent_tree["workspace"]
    plant_link(str(workspace / "old-link"), str(outside / "precious"), 10)
    plant_link(str(workspace / "old-job" / "escape"), str(outside), 10)
    linked_workspace = tmp_path / "linked-workspace"
    linked_workspace.symlink_to(outside)
    settings = dict(
        agent_tree["settings"], jenkins_ha_housekeeping_workspace_paths=[str(workspace), str(linked_workspace)]
    )
    run = dict(inventory=agent_tree["inventory"], extra_vars=[settings])

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", check=True, **run)
    assert result.rc == 0, result.output[-4000:]
    # old-job, old-job@tmp, old-link; old-maven in the caches.
    assert "Would remove 4 workspace/cache entries" in result.output, result.output[-3000:]

    result = playbook(HOUSEKEEPING / "workspace_cleanup.yml", **run)
    assert result.rc == 0, result.output[-4000:]
    assert listing(workspace) == ["new-job", "recent-job"]
    assert listing(outside) == ["also-old", "precious"]
    assert (outside / "precious" / "file.txt").is_file()
    assert linked_workspace.is_symlink()
    assert str(linked_workspace) in result.output.split("skipped_symlinked_directories", 1)[1], result.output[-3000:]
