"""The efs_file_system_state lookup against in-process moto: what the EFS modules create reads back as converged
through the unconverged_efs_* filters (the lookup's shape is what the filters expect), drift made behind the
modules' back is seen, and a file system that is not there reads as {} (FileSystemNotFound is "none")."""

import json

import boto3
import pytest
from botocore.stub import Stubber
from ansible.errors import AnsibleLookupError
from ansible.template import Templar

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_storage import (
    unconverged_efs_access_point,
    unconverged_efs_file_system,
    unconverged_efs_file_system_policy,
)
from ansible_collections.jenkins_ha.aws.plugins.lookup.efs_file_system_state import LookupModule
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_access_point
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system_policy
from tests.unit.modules.conftest import FakeModule
from tests.unit.modules.helpers import REGION, in_process_moto, module_params

TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws"}


def lookup(**options):
    return LookupModule(loader=None, templar=Templar(loader=None)).run([], {}, region=REGION, **options)[0]


@pytest.fixture
def aws(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        yield client


@pytest.fixture
def stack(aws):
    """A file system, access point and policy made by the modules, and the options they were given."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=REGION + "a")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="efs", Description="efs", VpcId=vpc)["GroupId"]
    fs_options = dict(
        name="demo-jenkins-home",
        file_system_id="",
        encrypted=True,
        performance_mode="generalPurpose",
        throughput_mode="elastic",
        provisioned_throughput_in_mibps=None,
        lifecycle={"transition_to_ia": "AFTER_30_DAYS"},
        backup=None,
        mount_targets=[{"subnet_id": subnet, "security_groups": [group]}],
        tags=TAGS,
    )
    params = module_params(
        efs_file_system.argument_spec(), **{**fs_options, "file_system_id": None, "wait_timeout": 30}
    )
    changed, created, _diff = efs_file_system.ensure_present(FakeModule(params), aws("efs"))
    assert changed
    fs_id = created["file_system_id"]
    ap_options = dict(
        file_system_id=fs_id,
        name="demo-jenkins-home",
        posix_user={"uid": 1000, "gid": 1000},
        root_directory={
            "path": "/jenkins-home",
            "creation_info": {"owner_uid": 1000, "owner_gid": 1000, "permissions": "0750"},
        },
        tags=TAGS,
    )
    ap_params = dict(ap_options, state="present", purge_tags=True, replace=False, wait=False, wait_timeout=30)
    ap_params["posix_user"] = dict(ap_options["posix_user"], secondary_gids=None)
    changed, _access_point, _diff = efs_access_point.ensure_present(FakeModule(ap_params), aws("efs"))
    assert changed
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["elasticfilesystem:ClientMount"],
                "Resource": created["file_system_arn"],
                "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
            }
        ],
    }
    policy_params = dict(file_system_id=fs_id, policy=json.dumps(policy), bypass_policy_lockout_safety_check=False)
    changed, _policy, _diff = efs_file_system_policy.ensure_present(FakeModule(policy_params), aws("efs"))
    assert changed
    return dict(fs=fs_options, fs_id=fs_id, access_point=ap_options, policy={"file_system_id": fs_id, "policy": policy})


def test_what_the_modules_made_reads_as_converged(stack):
    state = lookup(name="demo-jenkins-home")
    assert state["file_system"]["FileSystemId"] == stack["fs_id"]
    by_id = lookup(file_system_id=stack["fs_id"])
    # (the file system's size and its timestamp are read anew)
    assert by_id["file_system"]["FileSystemArn"] == state["file_system"]["FileSystemArn"]
    assert {k: v for k, v in by_id.items() if k != "file_system"} == {
        k: v for k, v in state.items() if k != "file_system"
    }
    json.dumps(state)  # plain types only
    assert unconverged_efs_file_system(stack["fs"], state) == []
    assert unconverged_efs_access_point(stack["access_point"], state) == []
    assert unconverged_efs_file_system_policy(stack["policy"], state) == []


def test_drift_behind_the_modules_back_is_seen(aws, stack):
    efs = aws("efs")
    efs.tag_resource(ResourceId=stack["fs_id"], Tags=[{"Key": "owner", "Value": "someone-else"}])
    [access_point] = efs.describe_access_points(FileSystemId=stack["fs_id"])["AccessPoints"]
    efs.untag_resource(ResourceId=access_point["AccessPointId"], TagKeys=["managed-by"])
    policy = dict(stack["policy"]["policy"], Statement=[dict(stack["policy"]["policy"]["Statement"][0], Condition={})])
    efs.put_file_system_policy(FileSystemId=stack["fs_id"], Policy=json.dumps(policy))
    state = lookup(file_system_id=stack["fs_id"])
    assert unconverged_efs_file_system(stack["fs"], state) == [stack["fs"]]
    assert unconverged_efs_access_point(stack["access_point"], state) == [stack["access_point"]]
    assert unconverged_efs_file_system_policy(stack["policy"], state) == [stack["policy"]]


def test_a_file_system_that_is_not_there_reads_as_none(aws, stack):
    assert lookup(file_system_id="fs-0123456789abcdef0") == {}
    assert lookup(name="another-stack-home") == {}


@pytest.mark.parametrize(
    "terms, options",
    [([], {}), (["fs-1"], {}), ([], {"name": 1}), ([], {"file_system_id": ["fs-1"]})],
)
def test_bad_input_fails_clearly(terms, options):
    with pytest.raises(AnsibleLookupError):
        LookupModule(loader=None, templar=Templar(loader=None)).run(terms, {}, region=REGION, **options)


def test_other_errors_fail_the_lookup(monkeypatch):
    """Only FileSystemNotFound means "none": an error such as AccessDenied must not read as a missing file system."""
    client = boto3.client("efs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_client_error("describe_file_systems", service_error_code="AccessDeniedException", http_status_code=403)
        monkeypatch.setattr(LookupModule, "client", lambda self, service: client)
        with pytest.raises(AnsibleLookupError, match="AccessDenied"):
            lookup(file_system_id="fs-1")
