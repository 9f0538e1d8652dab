"""EC2 patches: image TagSpecifications, NAT gateway tag resource type, launch template tags."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import ec2_image_tag_specifications, ec2_launch_template_tags, ec2_nat_gateway_tag_type

IMAGE_AND_SNAPSHOT_TAGS = [
    {"ResourceType": "image", "Tags": [{"Key": "jenkins-ha:role", "Value": "controller"}]},
    {"ResourceType": "snapshot", "Tags": [{"Key": "jenkins-ha:role", "Value": "controller"}]},
]


def _instance(ec2):
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    return ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def _tags(ec2, resource_id, resource_type=None):
    filters = [{"Name": "resource-id", "Values": [resource_id]}]
    if resource_type:
        filters.append({"Name": "resource-type", "Values": [resource_type]})
    return {tag["Key"]: tag["Value"] for tag in ec2.describe_tags(Filters=filters)["Tags"]}


def test_stock_moto_fails_create_image_with_snapshot_tags(aws, compat_patch):
    compat_patch.stock(ec2_image_tag_specifications)
    ec2 = aws("ec2")
    with pytest.raises((NotImplementedError, ClientError)):
        ec2.create_image(InstanceId=_instance(ec2), Name="controller-1", TagSpecifications=IMAGE_AND_SNAPSHOT_TAGS)


def test_stock_moto_drops_register_image_tags(aws, compat_patch):
    compat_patch.stock(ec2_image_tag_specifications)
    ec2 = aws("ec2")
    image_id = ec2.register_image(Name="controller-2", TagSpecifications=IMAGE_AND_SNAPSHOT_TAGS[:1])["ImageId"]
    assert _tags(ec2, image_id) == {}


def test_image_tag_specifications_tag_image_and_snapshot(aws, compat_patch):
    ec2 = aws("ec2")
    instance_id = _instance(ec2)
    with compat_patch(ec2_image_tag_specifications):
        image_id = ec2.create_image(
            InstanceId=instance_id, Name="controller-1", TagSpecifications=IMAGE_AND_SNAPSHOT_TAGS
        )["ImageId"]
        image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
        assert image["Tags"] == [{"Key": "jenkins-ha:role", "Value": "controller"}]
        snapshot_id = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
        assert _tags(ec2, snapshot_id, "snapshot") == {"jenkins-ha:role": "controller"}

        registered = ec2.register_image(Name="controller-2", TagSpecifications=IMAGE_AND_SNAPSHOT_TAGS[:1])["ImageId"]
        assert _tags(ec2, registered, "image") == {"jenkins-ha:role": "controller"}


def _nat_gateway(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.2.0.0/24")["Subnet"]["SubnetId"]
    allocation_id = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=allocation_id,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "egress"}]}],
    )["NatGateway"]["NatGatewayId"]


def test_stock_moto_hides_nat_gateway_tags_from_resource_type_filter(aws, compat_patch):
    compat_patch.stock(ec2_nat_gateway_tag_type)
    ec2 = aws("ec2")
    nat_id = _nat_gateway(ec2)
    # amazon.aws.ec2_vpc_nat_gateway filters on resource-type=natgateway, finds nothing, re-tags: changed.
    assert _tags(ec2, nat_id, "natgateway") == {}
    assert ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat_id]}])["Tags"][0]["ResourceType"] == (
        "nat-gateway"
    )


def test_nat_gateway_tags_have_resource_type_natgateway(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_nat_gateway_tag_type):
        nat_id = _nat_gateway(ec2)
        assert _tags(ec2, nat_id, "natgateway") == {"Name": "egress"}
        ec2.create_tags(Resources=[nat_id], Tags=[{"Key": "jenkins-ha:stack", "Value": "ci"}])
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat_id]}])["Tags"]
        assert {tag["ResourceType"] for tag in tags} == {"natgateway"}
        described = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["Tags"]
        assert {tag["Key"] for tag in described} == {"Name", "jenkins-ha:stack"}


def _template(ec2, name):
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": image_id, "InstanceType": "t3.micro"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Name", "Value": name}]}],
    )
    version = ec2.describe_launch_template_versions(LaunchTemplateName=name)["LaunchTemplateVersions"][0]
    return image_id, version


def test_stock_moto_copies_template_tags_into_version_data(aws, compat_patch):
    compat_patch.stock(ec2_launch_template_tags)
    _unused, version = _template(aws("ec2"), "agents")
    assert "TagSpecifications" in version["LaunchTemplateData"]


def test_launch_template_tags_stay_on_the_template(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_launch_template_tags):
        image_id, version = _template(ec2, "agents")
        assert version["LaunchTemplateData"] == {"ImageId": image_id, "InstanceType": "t3.micro"}
        template = ec2.describe_launch_templates(LaunchTemplateNames=["agents"])["LaunchTemplates"][0]
        assert template["Tags"] == [{"Key": "Name", "Value": "agents"}]
        # Instance tags inside the data are the data's own and are kept.
        ec2.create_launch_template(
            LaunchTemplateName="controller",
            LaunchTemplateData={
                "ImageId": image_id,
                "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "c"}]}],
            },
        )
        data = ec2.describe_launch_template_versions(LaunchTemplateName="controller")["LaunchTemplateVersions"][0][
            "LaunchTemplateData"
        ]
        assert data["TagSpecifications"] == [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "c"}]}]
