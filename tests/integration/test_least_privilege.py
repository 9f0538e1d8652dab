"""Least privilege of the instance roles, as behaviour: with the agent's and the controller's own credentials
(sts:AssumeRole in the emulator, IAM enforcement on), each role can do what its boot and the EC2 Fleet plugin need
and is refused the rest: the agent (build code) cannot read the admin password, the SSH private key, another team's
or another stack's parameters; the controller cannot leave its stack's path, its agent group or its tag keys.

How: a private emulator (the launcher, so the iam_* compatibility patches authorize SSM, Auto Scaling, EC2 and
CloudWatch Logs calls against their real ARNs; stock moto checks them against "*" and would deny every scoped
Allow) gets the stack's KMS key, IAM roles, log groups and secrets from site.yml (tags kms, iam, logs, secrets),
plus what the other playbooks would have written (the remaining contract parameters, two agent groups); then
/moto-api/reset-auth turns enforcement on for every later request and the calls are made with the roles' temporary
credentials. Before that, AmazonSSMManagedInstanceCore is attached as an earlier version left it, and a rerun of
iam.yml must detach it.

What moto does not evaluate, and how this test does instead:
- Condition blocks of identity policies (moto treats a condition it has no request values for as met) and
  resource policies (KMS key policies). The cases relied on are evaluated here from the live documents by
  ``evaluate()`` below: ec2:CreateTags only on instances tagged with the stack (aws:ResourceTag) and only with the
  plugin's tag key (aws:TagKeys); kms:Decrypt of a SecureString only through SSM (kms:ViaService) for a parameter
  under the stack's path (kms:EncryptionContext:PARAMETER_ARN), and the key policy delegating to IAM.
- SSM does not call KMS in moto: reading a SecureString with decryption needs kms:Decrypt on AWS, checked by the
  evaluation above.
- EFS client access (ClientMount/ClientWrite) is NFS, not an API call the emulator sees: the file-system statements
  are checked by the posture rules as documents, not here as behaviour.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.harness import ROOT, VENV_BIN, Emulator, run_playbook
from tests.integration.iam_evaluation import evaluate

DEMO = ROOT / "inventory" / "demo"
STACK = "demo"
PATH = "/jenkins-ha/demo/"
PLUGIN_TAG = "ec2-fleet-plugin:cloud-name"
# Every parameter each role reads at boot (playbooks/boot.yml, roles/jenkins_controller/tasks/ssm.yml).
AGENT_READS = ("keys/ssh-public-key", "metrics/remote-scrape", "agent/log-group")
CONTROLLER_READS = (
    "efs/file-system-id",
    "efs/access-point-id",
    "controller/url",
    "agent/asg-name",
    "agent/label",
    "controller/log-group",
    "stack/region",
    "controller/admin-username",
    "controller/admin-password",
    "keys/ssh-private-key",
)
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
FOREIGN = ("/team-b/database/password", "/jenkins-ha/other/controller/admin-password", "/jenkins-ha/demo-2/x")


def set_auth(emulator, count):
    """moto's /moto-api/reset-auth: IAM enforcement after `count` more requests ("inf": never)."""
    # Not a form: werkzeug would parse a form body away and moto reads the raw body.
    request = urllib.request.Request(
        emulator.url + "/moto-api/reset-auth",
        data=str(count).encode(),
        method="POST",
        headers={"Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.load(answer)["status"] == "ok"


@pytest.fixture(scope="module")
def stack():
    emulator = Emulator(ROOT / "tests" / "output" / "emulator").start()
    try:
        result = run_playbook(ROOT / "site.yml", emulator.env(), inventory=DEMO, tags="kms,iam,logs,secrets")
        assert result.rc == 0, result.output[-3000:]
        # A stack converged by an earlier version has AmazonSSMManagedInstanceCore on both instance roles: the next
        # run of iam.yml must take it away (what the assertions below then see).
        iam = emulator.client("iam")
        for role in ("agent", "controller"):
            iam.attach_role_policy(RoleName=STACK + "-" + role, PolicyArn=SSM_CORE)
        upgrade = run_playbook(ROOT / "site.yml", emulator.env(), inventory=DEMO, tags="iam")
        assert upgrade.rc == 0, upgrade.output[-3000:]
        yield dict(_provision_the_rest(emulator), upgrade=upgrade)
    finally:
        emulator.stop()


def _provision_the_rest(emulator):
    """As the administrator: what the other playbooks (storage, asgs...) and other tenants of the account own."""
    ssm, kms = emulator.client("ssm"), emulator.client("kms")
    existing = {p["Name"] for p in ssm.describe_parameters()["Parameters"]}
    for name in AGENT_READS + CONTROLLER_READS:
        if PATH + name not in existing:
            ssm.put_parameter(Name=PATH + name, Value="value of " + name, Type="String")
    for name in FOREIGN:
        # SecureString under the account's default key (alias/aws/ssm), as another team would keep it.
        ssm.put_parameter(Name=name, Value="not yours", Type="SecureString")
    key_arn = kms.describe_key(KeyId="alias/jenkins-ha/" + STACK)["KeyMetadata"]["Arn"]

    ec2, autoscaling = emulator.client("ec2"), emulator.client("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="agents", LaunchTemplateData={"ImageId": image})
    instances = {}
    for stack_name in (STACK, "other"):
        name = stack_name + "-agent"
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": "agents"},
            MinSize=0,
            MaxSize=4,
            DesiredCapacity=2,
            VPCZoneIdentifier=subnet,
            Tags=[{"Key": "jenkins-ha:stack", "Value": stack_name, "PropagateAtLaunch": True}],
        )
        group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
        instances[stack_name] = [i["InstanceId"] for i in group["Instances"]]
        # The demo's second agent pool (issue 18), and a pool of the same name in the other stack.
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name + "-spot",
            LaunchTemplate={"LaunchTemplateName": "agents"},
            MinSize=0,
            MaxSize=4,
            VPCZoneIdentifier=subnet,
            Tags=[{"Key": "jenkins-ha:stack", "Value": stack_name, "PropagateAtLaunch": True}],
        )
    security_group = ec2.create_security_group(GroupName="x", Description="x", VpcId=vpc)["GroupId"]

    iam = emulator.client("iam")
    documents = {
        role: [
            iam.get_role_policy(RoleName=STACK + "-" + role, PolicyName=name)["PolicyDocument"]
            for name in iam.list_role_policies(RoleName=STACK + "-" + role)["PolicyNames"]
        ]
        for role in ("agent", "controller")
    }
    managed = {
        role: iam.list_attached_role_policies(RoleName=STACK + "-" + role)["AttachedPolicies"]
        for role in ("agent", "controller")
    }
    sts = emulator.client("sts")
    credentials = {}
    for role in ("agent", "controller"):
        arn = iam.get_role(RoleName=STACK + "-" + role)["Role"]["Arn"]
        credentials[role] = sts.assume_role(RoleArn=arn, RoleSessionName="i-" + role)["Credentials"]
    ciphertext = kms.encrypt(KeyId=key_arn, Plaintext=b"secret")["CiphertextBlob"]
    key_policy = json.loads(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    account = sts.get_caller_identity()["Account"]
    # From here on every request is checked against the caller's identity policies.
    set_auth(emulator, 0)
    return {
        "emulator": emulator,
        "credentials": credentials,
        "documents": documents,
        "managed": managed,
        "instances": instances,
        "security_group": security_group,
        "key_arn": key_arn,
        "key_policy": key_policy,
        "ciphertext": ciphertext,
        "account": account,
    }


def client_as(stack, role, service):
    creds = stack["credentials"][role]
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=stack["emulator"].url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def denied(call, **kwargs):
    """Refused by IAM (HTTP 403; moto answers JSON services with an XML error, so the code is in the message)."""
    try:
        call(**kwargs)
    except ClientError as error:
        answer = error.response
        return answer["ResponseMetadata"]["HTTPStatusCode"] == 403 and (
            "not authorized" in answer["Error"].get("Message", "")
            or answer["Error"]["Code"] in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
        )
    return False


def boot_lookup(stack, role, name, decrypt):
    """The amazon.aws.ssm_parameter lookup as playbooks/boot.yml and the controller role's boot make it, run by
    ansible with the role's credentials (botocore's own client path, not this test's boto3 calls)."""
    creds = stack["credentials"][role]
    env = dict(
        stack["emulator"].env(),
        AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
        AWS_SESSION_TOKEN=creds["SessionToken"],
        ANSIBLE_FORCE_COLOR="0",
    )
    lookup = "{{{{ lookup('amazon.aws.ssm_parameter', '{0}', region='us-east-1', decrypt={1}) | length }}}}".format(
        name, decrypt
    )
    proc = subprocess.run(
        [str(VENV_BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-m", "ansible.builtin.debug"]
        + ["-a", "msg=" + lookup],
        cwd=str(ROOT),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout


# --- policy evaluation for what moto does not evaluate (conditions, key policy) -----------------------------------


# --- the agent ----------------------------------------------------------------------------------------------------


def test_the_agent_reads_what_its_boot_needs(stack):
    ssm = client_as(stack, "agent", "ssm")
    for name in AGENT_READS:
        # As amazon.aws.ssm_parameter does in playbooks/boot.yml: GetParameter, WithDecryption on.
        assert ssm.get_parameter(Name=PATH + name, WithDecryption=True)["Parameter"]["Value"]


def test_the_boot_lookups_work_for_each_role_and_refuse_the_agent_its_secrets(stack):
    rc, output = boot_lookup(stack, "agent", PATH + "keys/ssh-public-key", decrypt=True)
    assert rc == 0, output
    rc, output = boot_lookup(stack, "agent", PATH + "controller/admin-password", decrypt=True)
    assert rc != 0 and "not authorized" in output, output
    rc, output = boot_lookup(stack, "controller", PATH + "controller/admin-password", decrypt=True)
    assert rc == 0, output


@pytest.mark.parametrize("name", [PATH + "controller/admin-password", PATH + "keys/ssh-private-key"] + list(FOREIGN))
def test_the_agent_cannot_read_secrets_or_foreign_parameters(stack, name):
    ssm = client_as(stack, "agent", "ssm")
    assert denied(ssm.get_parameter, Name=name, WithDecryption=True)
    assert denied(ssm.get_parameters, Names=[PATH + "keys/ssh-public-key", name], WithDecryption=True)


def test_the_agent_cannot_list_paths_decrypt_or_change_anything(stack):
    ssm, kms = client_as(stack, "agent", "ssm"), client_as(stack, "agent", "kms")
    for path in ("/", "/jenkins-ha", PATH, PATH + "keys"):
        assert denied(ssm.get_parameters_by_path, Path=path, Recursive=True, WithDecryption=True), path
    assert denied(ssm.put_parameter, Name=PATH + "keys/ssh-public-key", Value="mine", Type="String", Overwrite=True)
    assert denied(kms.decrypt, CiphertextBlob=stack["ciphertext"])
    assert not evaluate(
        stack["documents"]["agent"],
        "kms:Decrypt",
        stack["key_arn"],
        {"kms:ViaService": "ssm.us-east-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": "x"},
    )
    assert denied(
        client_as(stack, "agent", "autoscaling").update_auto_scaling_group,
        AutoScalingGroupName=STACK + "-agent",
        DesiredCapacity=4,
    )
    assert denied(
        client_as(stack, "agent", "ec2").create_tags,
        Resources=[stack["instances"][STACK][0]],
        Tags=[{"Key": PLUGIN_TAG, "Value": "x"}],
    )


@pytest.mark.parametrize("role, other", [("agent", "controller"), ("controller", "agent")])
def test_each_role_writes_only_its_own_log_group(stack, role, other):
    logs = client_as(stack, role, "logs")
    own, foreign = "/jenkins-ha/demo/" + role, "/jenkins-ha/demo/" + other
    event = [{"timestamp": 1796565895938, "message": "boot"}]
    # What the CloudWatch agent on the instance does.
    logs.create_log_stream(logGroupName=own, logStreamName="i-" + role)
    logs.put_log_events(logGroupName=own, logStreamName="i-" + role, logEvents=event)
    assert logs.describe_log_streams(logGroupName=own)["logStreams"]
    assert denied(logs.create_log_stream, logGroupName=foreign, logStreamName="i-" + role)
    assert denied(logs.put_retention_policy, logGroupName=own, retentionInDays=1)
    assert denied(logs.delete_log_group, logGroupName=own)


def test_no_instance_role_carries_an_aws_managed_policy(stack):
    # Detached by the rerun from the roles an earlier version had converged (the fixture attached it first).
    assert stack["upgrade"].changed() == 1, stack["upgrade"].output
    assert stack["managed"] == {"agent": [], "controller": []}


# --- the controller -----------------------------------------------------------------------------------------------


def _parameter_arn(stack, name):
    return "arn:aws:ssm:us-east-1:{0}:parameter{1}".format(stack["account"], name)


def _decrypt_allowed(stack, parameter_name, key_arn=None):
    """kms:Decrypt as SSM makes it for GetParameter WithDecryption: identity policy and key policy."""
    key_arn = key_arn or stack["key_arn"]
    context = {
        "kms:ViaService": "ssm.us-east-1.amazonaws.com",
        "kms:EncryptionContext:PARAMETER_ARN": _parameter_arn(stack, parameter_name),
    }
    # The key policy delegates to IAM (the account root may use the key), so the identity policy decides.
    root = "arn:aws:iam::{0}:root".format(stack["account"])
    delegates = any(
        s["Effect"] == "Allow" and s.get("Principal", {}).get("AWS") == root and s["Action"] == "kms:*"
        for s in stack["key_policy"]["Statement"]
    )
    return delegates and evaluate(stack["documents"]["controller"], "kms:Decrypt", key_arn, context)


def test_the_controller_reads_and_decrypts_its_stack_parameters(stack):
    ssm = client_as(stack, "controller", "ssm")
    for name in CONTROLLER_READS:
        assert ssm.get_parameter(Name=PATH + name, WithDecryption=True)["Parameter"]["Value"], name
    by_path = ssm.get_parameters_by_path(Path=PATH, Recursive=True, WithDecryption=True)["Parameters"]
    assert {PATH + "controller/admin-password", PATH + "keys/ssh-private-key"} <= {p["Name"] for p in by_path}
    for secret in ("controller/admin-password", "keys/ssh-private-key"):
        assert _decrypt_allowed(stack, PATH + secret), secret


@pytest.mark.parametrize("name", FOREIGN)
def test_the_controller_stays_inside_its_stack_path(stack, name):
    ssm = client_as(stack, "controller", "ssm")
    assert denied(ssm.get_parameter, Name=name, WithDecryption=True)
    assert denied(ssm.get_parameters, Names=[PATH + "agent/label", name])
    # Even if it could call SSM there, the stack key decrypts only the stack's own parameters; a foreign key not at all.
    assert not _decrypt_allowed(stack, name)
    assert not _decrypt_allowed(stack, name, key_arn="arn:aws:kms:us-east-1:{0}:key/other".format(stack["account"]))


def test_the_controller_cannot_list_above_its_path_or_decrypt_directly(stack):
    ssm = client_as(stack, "controller", "ssm")
    for path in ("/", "/jenkins-ha", "/jenkins-ha/other"):
        assert denied(ssm.get_parameters_by_path, Path=path, Recursive=True), path
    assert denied(ssm.put_parameter, Name=PATH + "agent/label", Value="x", Type="String", Overwrite=True)
    # Outside SSM (no kms:ViaService) the key is refused: the identity policy's condition, evaluated here.
    assert not evaluate(stack["documents"]["controller"], "kms:Decrypt", stack["key_arn"], {})


def test_the_controller_scales_only_its_agent_group(stack):
    autoscaling = client_as(stack, "controller", "autoscaling")
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[STACK + "-agent"])["AutoScalingGroups"]
    assert groups[0]["AutoScalingGroupName"] == STACK + "-agent"
    # What AutoScalingGroupFleet.modify sends.
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=STACK + "-agent",
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=2,
        NewInstancesProtectedFromScaleIn=True,
    )
    assert denied(autoscaling.update_auto_scaling_group, AutoScalingGroupName="other-agent", DesiredCapacity=0)
    # Every pool of the stack (jenkins_ha_agent_pools), and no pool of another stack.
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=STACK + "-agent-spot", MaxSize=3)
    assert denied(autoscaling.update_auto_scaling_group, AutoScalingGroupName="other-agent-spot", MaxSize=3)
    assert denied(autoscaling.set_desired_capacity, AutoScalingGroupName=STACK + "-agent", DesiredCapacity=1)
    assert denied(
        autoscaling.set_instance_protection,
        AutoScalingGroupName=STACK + "-agent",
        InstanceIds=stack["instances"][STACK][:1],
        ProtectedFromScaleIn=False,
    )
    assert denied(
        autoscaling.terminate_instance_in_auto_scaling_group,
        InstanceId=stack["instances"]["other"][0],
        ShouldDecrementDesiredCapacity=False,
    )
    # What AutoScalingGroupFleet.terminateInstances sends; plain ec2:TerminateInstances is not granted.
    assert denied(client_as(stack, "controller", "ec2").terminate_instances, InstanceIds=stack["instances"][STACK][1:])
    autoscaling.terminate_instance_in_auto_scaling_group(
        InstanceId=stack["instances"][STACK][1], ShouldDecrementDesiredCapacity=False
    )


def _tag_allowed(stack, instance_id, key):
    """ec2:CreateTags of one tag on one instance: the conditions evaluated here on the instance's live tags, the
    resource by moto (the iam_ec2_resource_arns patch) with the controller's credentials."""
    ec2 = client_as(stack, "controller", "ec2")
    described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    context = {"aws:ResourceTag/" + t["Key"]: t["Value"] for t in described.get("Tags", [])}
    context["aws:TagKeys"] = [key]
    arn = "arn:aws:ec2:us-east-1:{0}:instance/{1}".format(stack["account"], instance_id)
    if not evaluate(stack["documents"]["controller"], "ec2:CreateTags", arn, context):
        return False
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": key, "Value": "fleet"}])
    return True


def test_the_controller_tags_only_its_agents_and_only_with_the_plugin_key(stack):
    assert _tag_allowed(stack, stack["instances"][STACK][0], PLUGIN_TAG)
    assert not _tag_allowed(stack, stack["instances"]["other"][0], PLUGIN_TAG)
    # Re-tagging would move an instance into another stack or hide it: only the plugin's key is allowed.
    assert not _tag_allowed(stack, stack["instances"][STACK][0], "jenkins-ha:stack")
    assert not _tag_allowed(stack, stack["instances"][STACK][0], "Name")
    ec2 = client_as(stack, "controller", "ec2")
    assert denied(ec2.create_tags, Resources=[stack["security_group"]], Tags=[{"Key": PLUGIN_TAG, "Value": "x"}])
    assert ec2.describe_instances(InstanceIds=stack["instances"][STACK][:1])["Reservations"]


def test_the_controller_passes_no_role(stack):
    assert not any(
        evaluate(stack["documents"]["controller"], "iam:PassRole", "arn:aws:iam::{0}:role/{1}".format(a, r), {})
        for a in (stack["account"],)
        for r in (STACK + "-agent", STACK + "-controller", "admin")
    )


# --- the CloudWatch agent on each instance (roles/cloudwatch_agent) -----------------------------------------------


@pytest.mark.parametrize("role", ["agent", "controller"])
def test_the_cloudwatch_agent_reads_its_log_group_and_ships_only_there(stack, role):
    """The record its boot reads, then what the agent calls with the configuration it gets (aws/amazon-cloudwatch-agent
    v1.300071.0, plugins/outputs/cloudwatchlogs/internal/pusher/target.go: CreateLogStream and PutLogEvents;
    CreateLogGroup only for a missing group: refused, so no group escapes logs.yml's key and retention). The agent
    sends no metric (node exporter does): cloudwatch:PutMetricData is refused."""
    ssm, logs = client_as(stack, role, "ssm"), client_as(stack, role, "logs")
    group = ssm.get_parameter(Name=PATH + role + "/log-group")["Parameter"]["Value"]
    assert group == "/jenkins-ha/demo/" + role
    stream = "i-0123456789abcdef0/boot"
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    event = [{"timestamp": 1796565895938, "message": "jenkins-ha-boot: started"}]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=event)
    assert denied(logs.create_log_group, logGroupName=group + "-new")
    metric = [{"MetricName": "mem_used_percent", "Value": 1.0}]
    assert denied(client_as(stack, role, "cloudwatch").put_metric_data, Namespace="CWAgent", MetricData=metric)


def test_the_agent_reads_no_other_log_group_record(stack):
    assert denied(client_as(stack, "agent", "ssm").get_parameter, Name=PATH + "controller/log-group")
