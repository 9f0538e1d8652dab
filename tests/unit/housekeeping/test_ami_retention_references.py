"""Which images are in use (plugins/module_utils/_ami_retention/references.py), against moto in-process."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.references import find_references
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.references import launch_template_specs
from tests.unit.modules.helpers import in_process_moto

SPEC_CASES = [
    ("no template", {"LaunchConfigurationName": "lc"}, []),
    (
        "template without version means $Default",
        {"LaunchTemplate": {"LaunchTemplateId": "lt-1"}},
        [{"id": "lt-1", "name": None, "version": "$Default"}],
    ),
    (
        "template by name and $Latest",
        {"LaunchTemplate": {"LaunchTemplateName": "t", "Version": "$Latest"}},
        [{"id": None, "name": "t", "version": "$Latest"}],
    ),
    (
        "mixed instances policy with an override template",
        {
            "MixedInstancesPolicy": {
                "LaunchTemplate": {
                    "LaunchTemplateSpecification": {"LaunchTemplateId": "lt-1", "Version": "3"},
                    "Overrides": [
                        {"InstanceType": "t3.large"},
                        {"InstanceType": "m6g.large", "LaunchTemplateSpecification": {"LaunchTemplateName": "arm"}},
                    ],
                }
            }
        },
        [{"id": "lt-1", "name": None, "version": "3"}, {"id": None, "name": "arm", "version": "$Default"}],
    ),
]


@pytest.mark.parametrize("group,expected", [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES])
def test_launch_template_specs(group, expected):
    assert launch_template_specs(group) == expected


@pytest.fixture
def aws(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        yield {name: client(name) for name in ("ec2", "autoscaling", "ssm")}


def _images(ec2, count):
    base = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=base, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    images = [ec2.create_image(InstanceId=instance, Name="img-{0}".format(i))["ImageId"] for i in range(count)]
    ec2.terminate_instances(InstanceIds=[instance])
    return images


def test_find_references(aws):
    ec2, autoscaling, ssm = aws["ec2"], aws["autoscaling"], aws["ssm"]
    latest, default, pinned, override, config, running, stopped, gone, selected, free = _images(ec2, 10)
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]

    ec2.create_launch_template(LaunchTemplateName="main", LaunchTemplateData={"ImageId": default})
    ec2.create_launch_template_version(LaunchTemplateName="main", LaunchTemplateData={"ImageId": pinned})
    ec2.create_launch_template_version(LaunchTemplateName="main", LaunchTemplateData={"ImageId": latest})
    ec2.create_launch_template(LaunchTemplateName="arm", LaunchTemplateData={"ImageId": override})
    autoscaling.create_launch_configuration(LaunchConfigurationName="legacy", ImageId=config, InstanceType="t3.micro")
    sizes = dict(MinSize=0, MaxSize=1, DesiredCapacity=0, VPCZoneIdentifier=subnet)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="latest", LaunchTemplate={"LaunchTemplateName": "main", "Version": "$Latest"}, **sizes
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="default", LaunchTemplate={"LaunchTemplateName": "main"}, **sizes
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="mixed",
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "main", "Version": "2"},
                "Overrides": [
                    {"InstanceType": "m6g.large", "LaunchTemplateSpecification": {"LaunchTemplateName": "arm"}}
                ],
            }
        },
        **sizes,
    )
    autoscaling.create_auto_scaling_group(AutoScalingGroupName="legacy", LaunchConfigurationName="legacy", **sizes)
    ec2.run_instances(ImageId=running, MinCount=1, MaxCount=1)
    stopped_id = ec2.run_instances(ImageId=stopped, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped_id])
    gone_id = ec2.run_instances(ImageId=gone, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[gone_id])
    ssm.put_parameter(Name="/jenkins-ha/dev/ami/agent", Value=selected, Type="String")
    ssm.put_parameter(Name="/jenkins-ha/dev/agent/label", Value=free, Type="String")

    references = find_references(ec2, autoscaling, ssm)

    assert references[latest] == ["used by Auto Scaling group latest (launch template main version 3, $Latest)"]
    assert references[default] == ["used by Auto Scaling group default (launch template main version 1, $Default)"]
    assert references[pinned] == ["used by Auto Scaling group mixed (launch template main version 2)"]
    assert references[override] == ["used by Auto Scaling group mixed (launch template arm version 1, $Default)"]
    assert references[config] == ["used by Auto Scaling group legacy (launch configuration legacy)"]
    assert references[running][0].endswith("(running)")
    assert references[stopped][0].endswith("(stopped)")
    assert references[selected] == ["selected in SSM parameter /jenkins-ha/dev/ami/agent"]
    assert gone not in references
    assert free not in references
    assert find_references(ec2, autoscaling, None).get(selected) is None
