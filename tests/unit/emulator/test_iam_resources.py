"""IAM enforcement against resource ARNs (iam_ssm_parameter_resources, iam_autoscaling_group_resources,
iam_ec2_resource_arns): stock moto authorizes SSM, Auto Scaling and EC2 requests against Resource "*", so a
least-privilege (resource-scoped) Allow is denied; with the patches the same policy allows exactly its resources.

Each test provisions with the dummy keys, then turns enforcement on (what INITIAL_NO_AUTH_ACTION_COUNT does in the
server) and calls as an IAM user whose only policy is the one under test.
"""

from __future__ import annotations

import contextlib
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import (
    iam_autoscaling_group_resources,
    iam_ec2_resource_arns,
    iam_logs_resources,
    iam_ssm_parameter_resources,
)

from .conftest import REGION, error_code

ACCOUNT = "123456789012"
PARAMETER_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter"
DENIED = ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation")


@contextlib.contextmanager
def enforcing():
    """IAM enforcement from the next request on, restored afterwards (moto's own set_initial_no_auth_action_count)."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    saved = settings.INITIAL_NO_AUTH_ACTION_COUNT, ActionAuthenticatorMixin.request_count
    settings.INITIAL_NO_AUTH_ACTION_COUNT, ActionAuthenticatorMixin.request_count = 0, 0
    try:
        yield
    finally:
        settings.INITIAL_NO_AUTH_ACTION_COUNT, ActionAuthenticatorMixin.request_count = saved


def user_with(aws, *statements):
    """An IAM user whose only policy has these statements; returns client(service) signed with its key."""
    iam = aws("iam")
    iam.create_user(UserName="tester")
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    iam.put_user_policy(UserName="tester", PolicyName="under-test", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName="tester")["AccessKey"]
    return lambda service: boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def allow(actions, resources):
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def denied(call, **kwargs):
    """Whether the call is refused by IAM: HTTP 403. (moto answers JSON-protocol services such as SSM with an XML
    error body, so botocore reports the code as "403" and the AccessDenied code only inside the message.)"""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    error = excinfo.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"] == 403 and (
        error_code(excinfo) in DENIED or "not authorized" in error["Error"].get("Message", "")
    )


# --- SSM ----------------------------------------------------------------------------------------------------------


def _parameters(aws):
    ssm = aws("ssm")
    for name in ("/jenkins-ha/demo/keys/ssh-public-key", "/jenkins-ha/demo/controller/admin-password", "/team-b/db"):
        ssm.put_parameter(Name=name, Value="v", Type="String")
    return user_with(
        aws,
        allow(["ssm:GetParameter", "ssm:GetParameters"], PARAMETER_ARN + "/jenkins-ha/demo/keys/ssh-public-key"),
        allow("ssm:GetParametersByPath", PARAMETER_ARN + "/jenkins-ha/demo/keys"),
    )


def test_stock_moto_denies_a_parameter_scoped_allow_and_passes_resource_star(aws, compat_patch):
    compat_patch.stock(iam_ssm_parameter_resources)
    as_user = _parameters(aws)
    with enforcing():
        assert denied(as_user("ssm").get_parameter, Name="/jenkins-ha/demo/keys/ssh-public-key")
    # The same user with Resource "*" (every parameter of the account) passes, another team's parameter included.
    aws("iam").put_user_policy(
        UserName="tester",
        PolicyName="under-test",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow("ssm:GetParameter", "*")]}),
    )
    with enforcing():
        star = as_user("ssm").get_parameter(Name="/team-b/db")["Parameter"]
    assert star["Value"] == "v"


def test_parameter_calls_are_authorized_on_each_parameter_arn(aws, compat_patch):
    as_user = _parameters(aws)
    with compat_patch(iam_ssm_parameter_resources), enforcing():
        ssm = as_user("ssm")
        assert ssm.get_parameter(Name="/jenkins-ha/demo/keys/ssh-public-key")["Parameter"]["Value"] == "v"
        # A version selector addresses the same parameter (and the same ARN).
        assert ssm.get_parameter(Name="/jenkins-ha/demo/keys/ssh-public-key:1")["Parameter"]["Value"] == "v"
        assert denied(ssm.get_parameter, Name="/jenkins-ha/demo/controller/admin-password")
        assert denied(ssm.get_parameter, Name="/team-b/db")
        # Every parameter of a GetParameters call must be allowed, not just one.
        assert len(ssm.get_parameters(Names=["/jenkins-ha/demo/keys/ssh-public-key"])["Parameters"]) == 1
        assert denied(ssm.get_parameters, Names=["/jenkins-ha/demo/keys/ssh-public-key", "/team-b/db"])
        # GetParametersByPath is authorized on the path itself.
        by_path = ssm.get_parameters_by_path(Path="/jenkins-ha/demo/keys")["Parameters"]
        assert [p["Name"] for p in by_path] == ["/jenkins-ha/demo/keys/ssh-public-key"]
        assert denied(ssm.get_parameters_by_path, Path="/jenkins-ha/demo", Recursive=True)
        assert denied(ssm.put_parameter, Name="/jenkins-ha/demo/keys/ssh-public-key", Value="x", Overwrite=True)


def test_parameter_arn_follows_aws_naming():
    class Response:
        partition, region, current_account = "aws", "eu-west-1", ACCOUNT

    arn = iam_ssm_parameter_resources.parameter_arn
    assert arn(Response, "/a/b") == "arn:aws:ssm:eu-west-1:123456789012:parameter/a/b"
    assert arn(Response, "plain") == "arn:aws:ssm:eu-west-1:123456789012:parameter/plain"
    assert arn(Response, "/a/b:label") == "arn:aws:ssm:eu-west-1:123456789012:parameter/a/b"
    given = "arn:aws:ssm:eu-west-1:123456789012:parameter/a/b"
    assert arn(Response, given) == given


# --- Auto Scaling -------------------------------------------------------------------------------------------------


def _groups(aws):
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    subnet = ec2.create_subnet(VpcId=ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"], CidrBlock="10.5.0.0/24")[
        "Subnet"
    ]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="agents", LaunchTemplateData={"ImageId": image})
    for name in ("demo-agent", "other-agent"):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": "agents"},
            MinSize=1,
            MaxSize=2,
            DesiredCapacity=1,
            VPCZoneIdentifier=subnet,
        )
    groups = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
    instances = {g["AutoScalingGroupName"]: g["Instances"][0]["InstanceId"] for g in groups}
    as_user = user_with(
        aws,
        allow("autoscaling:DescribeAutoScalingGroups", "*"),
        allow(
            ["autoscaling:UpdateAutoScalingGroup", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/demo-agent",
        ),
    )
    return as_user, instances


def test_stock_moto_denies_a_group_scoped_allow(aws, compat_patch):
    compat_patch.stock(iam_autoscaling_group_resources)
    as_user, _unused = _groups(aws)
    with enforcing():
        autoscaling = as_user("autoscaling")
        assert len(autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]) == 2
        assert denied(autoscaling.update_auto_scaling_group, AutoScalingGroupName="demo-agent", DesiredCapacity=2)


def test_group_calls_are_authorized_on_the_group_arn(aws, compat_patch):
    as_user, instances = _groups(aws)
    with compat_patch(iam_autoscaling_group_resources), enforcing():
        autoscaling = as_user("autoscaling")
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="demo-agent", DesiredCapacity=2)
        assert denied(autoscaling.update_auto_scaling_group, AutoScalingGroupName="other-agent", DesiredCapacity=2)
        # By instance id: the group the instance belongs to decides.
        autoscaling.terminate_instance_in_auto_scaling_group(
            InstanceId=instances["demo-agent"], ShouldDecrementDesiredCapacity=False
        )
        assert denied(
            autoscaling.terminate_instance_in_auto_scaling_group,
            InstanceId=instances["other-agent"],
            ShouldDecrementDesiredCapacity=False,
        )
        assert denied(autoscaling.set_desired_capacity, AutoScalingGroupName="demo-agent", DesiredCapacity=1)


# --- EC2 ----------------------------------------------------------------------------------------------------------


def _instances(aws):
    ec2 = aws("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    group = ec2.create_security_group(GroupName="g", Description="g")["GroupId"]
    as_user = user_with(aws, allow("ec2:CreateTags", "arn:aws:ec2:us-east-1:123456789012:instance/*"))
    return as_user, instance, group


def test_stock_moto_denies_an_instance_scoped_allow(aws, compat_patch):
    compat_patch.stock(iam_ec2_resource_arns)
    as_user, instance, _unused = _instances(aws)
    with enforcing():
        assert denied(as_user("ec2").create_tags, Resources=[instance], Tags=[{"Key": "k", "Value": "v"}])


def test_tagging_is_authorized_on_each_resource_arn(aws, compat_patch):
    as_user, instance, group = _instances(aws)
    with compat_patch(iam_ec2_resource_arns), enforcing():
        ec2 = as_user("ec2")
        ec2.create_tags(Resources=[instance], Tags=[{"Key": "k", "Value": "v"}])
        assert denied(ec2.create_tags, Resources=[group], Tags=[{"Key": "k", "Value": "v"}])
        assert denied(ec2.create_tags, Resources=[instance, group], Tags=[{"Key": "k", "Value": "v"}])
        assert denied(ec2.terminate_instances, InstanceIds=[instance])
    tags = aws("ec2").describe_tags(Filters=[{"Name": "resource-id", "Values": [instance, group]}])["Tags"]
    assert [(t["ResourceId"], t["Key"]) for t in tags] == [(instance, "k")]


# --- CloudWatch Logs ----------------------------------------------------------------------------------------------

LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:"


def _log_groups(aws):
    logs = aws("logs")
    for name in ("/jenkins-ha/demo/agent", "/jenkins-ha/demo/controller"):
        logs.create_log_group(logGroupName=name)
        logs.create_log_stream(logGroupName=name, logStreamName="i-1")
    group = LOG_GROUP_ARN + "/jenkins-ha/demo/agent"
    return user_with(
        aws, allow(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [group, group + ":*"])
    )


def _event():
    return [{"timestamp": 1796565895938, "message": "build log"}]


def test_stock_moto_denies_a_log_group_scoped_allow(aws, compat_patch):
    compat_patch.stock(iam_logs_resources)
    as_user = _log_groups(aws)
    with enforcing():
        logs = as_user("logs")
        assert denied(
            logs.put_log_events, logGroupName="/jenkins-ha/demo/agent", logStreamName="i-1", logEvents=_event()
        )


def test_log_calls_are_authorized_on_the_group_or_stream_arn(aws, compat_patch):
    as_user = _log_groups(aws)
    with compat_patch(iam_logs_resources), enforcing():
        logs = as_user("logs")
        logs.create_log_stream(logGroupName="/jenkins-ha/demo/agent", logStreamName="i-2")
        logs.put_log_events(logGroupName="/jenkins-ha/demo/agent", logStreamName="i-2", logEvents=_event())
        assert logs.describe_log_streams(logGroupName="/jenkins-ha/demo/agent")["logStreams"]
        assert denied(logs.create_log_stream, logGroupName="/jenkins-ha/demo/controller", logStreamName="i-2")
        assert denied(
            logs.put_log_events, logGroupName="/jenkins-ha/demo/controller", logStreamName="i-1", logEvents=_event()
        )
        assert denied(logs.put_retention_policy, logGroupName="/jenkins-ha/demo/agent", retentionInDays=1)


def test_log_group_arn_follows_aws_naming():
    class Response:
        partition, region, current_account = "aws", "eu-west-1", ACCOUNT

    arn = iam_logs_resources.group_arn
    assert arn(Response, "/a/b") == "arn:aws:logs:eu-west-1:123456789012:log-group:/a/b"
    assert arn(Response, "arn:aws:logs:eu-west-1:123456789012:log-group:/a/b:*") == (
        "arn:aws:logs:eu-west-1:123456789012:log-group:/a/b"
    )


def test_without_enforcement_nothing_changes(aws, compat_patch):
    _unused, instance, group = _instances(aws)
    with compat_patch(iam_ec2_resource_arns), compat_patch(iam_ssm_parameter_resources):
        aws("ec2").create_tags(Resources=[instance, group], Tags=[{"Key": "k", "Value": "v"}])
        aws("ssm").put_parameter(Name="/x", Value="v", Type="String")
        assert aws("ssm").get_parameters(Names=["/x", "/y"])["InvalidParameters"] == ["/y"]
