"""jenkins_ec2 end to end in-process: moto's EC2/Auto Scaling, the plugin, Ansible's InventoryData."""

from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleError

STACK_TAG = "jenkins-ha:stack"
COMPONENT_TAG = "jenkins-ha:component"


def images(session, count=2):
    found = session.client("ec2").describe_images(Owners=["amazon"])["Images"]
    return sorted(image["ImageId"] for image in found)[:count]


def tags(**pairs):
    return [{"Key": key.replace("__", ":").replace("_", "-"), "Value": value} for key, value in pairs.items()]


def run_instances(session, count=1, image=None, instance_tags=None, **kwargs):
    ec2 = session.client("ec2")
    spec = [{"ResourceType": "instance", "Tags": instance_tags}] if instance_tags else []
    found = ec2.run_instances(
        ImageId=image or images(session)[0], MinCount=count, MaxCount=count, TagSpecifications=spec, **kwargs
    )
    return sorted(i["InstanceId"] for i in found["Instances"])


def stack_asg(session, stack, component, image, size=2):
    """An ASG of `stack` launching `image` from a launch template ($Latest): returns (asg name, template id)."""
    ec2 = session.client("ec2")
    template = ec2.create_launch_template(
        LaunchTemplateName="{0}-{1}".format(stack, component),
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    name = "{0}-{1}".format(stack, component)
    session.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=size,
        MaxSize=size,
        DesiredCapacity=size,
        AvailabilityZones=["us-east-1a"],
        Tags=[
            {"Key": STACK_TAG, "Value": stack, "PropagateAtLaunch": True},
            {"Key": COMPONENT_TAG, "Value": component, "PropagateAtLaunch": True},
        ],
    )
    return name, template


def hosts_of(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts()) if group in inventory.groups else []


def hostvars(inventory, host):
    return inventory.get_host(host).get_vars()


class TestGroups:
    def test_builtin_groups_by_stack_component_asg_zone_and_lifecycle(self, aws, run_inventory):
        old, new = images(aws)
        asg, dummy = stack_asg(aws, "prod", "agent", old)
        stack_asg(aws, "prod", "controller", old, size=1)
        loose = run_instances(aws, instance_tags=tags(Name="bastion"))
        inventory = run_inventory({"regions": ["us-east-1"]})

        agents = hosts_of(inventory, "agent")
        assert len(agents) == 2
        assert len(hosts_of(inventory, "controller")) == 1
        assert hosts_of(inventory, "stack_prod") == sorted(agents + hosts_of(inventory, "controller"))
        assert hosts_of(inventory, "asg_prod_agent") == agents
        assert hosts_of(inventory, "lifecycle_in_service") == hosts_of(inventory, "stack_prod")
        assert hosts_of(inventory, "az_us_east_1a") == sorted(hosts_of(inventory, "stack_prod") + loose)
        assert hosts_of(inventory, "jenkins_ec2") == hosts_of(inventory, "az_us_east_1a")
        assert hosts_of(inventory, "stale_image") == []
        agent = hostvars(inventory, agents[0])
        assert agent["jenkins_ha_asg_name"] == asg
        assert agent["jenkins_ha_lifecycle_state"] == "InService"
        assert agent["jenkins_ha_desired_image_id"] == old
        assert agent["jenkins_ha_stale_image"] is False
        assert "jenkins_ha_asg_name" not in hostvars(inventory, loose[0])

    def test_pools_from_the_pool_tag_or_the_default_group(self, aws, run_inventory):
        image = images(aws)[0]
        # The default pool's group as it was before pools: no pool tag on it or its instances.
        stack_asg(aws, "prod", "agent", image)
        spot, dummy = stack_asg(aws, "prod", "agent-spot", image, size=1)
        aws.client("autoscaling").create_or_update_tags(
            Tags=[
                {
                    "ResourceId": spot,
                    "ResourceType": "auto-scaling-group",
                    "Key": "jenkins-ha:pool",
                    "Value": "spot",
                    "PropagateAtLaunch": True,
                }
            ]
        )
        aws.client("autoscaling").set_desired_capacity(AutoScalingGroupName=spot, DesiredCapacity=2)
        stack_asg(aws, "prod", "controller", image, size=1)
        # A pool tag on a loose instance counts too (autoscaling off or not: the tag alone decides).
        loose = run_instances(aws, instance_tags=tags(jenkins_ha__stack="dev", jenkins_ha__pool="big"))
        for autoscaling in (True, False):
            inventory = run_inventory({"regions": ["us-east-1"], "autoscaling": autoscaling})
            default = hosts_of(inventory, "pool_default")
            assert default == hosts_of(inventory, "asg_prod_agent") and len(default) == 2
            spotted = [
                h
                for h in hosts_of(inventory, "asg_prod_agent_spot")
                if "jenkins-ha:pool" in hostvars(inventory, h)["tags"]
            ]
            assert hosts_of(inventory, "pool_spot") == spotted and len(spotted) == 1
            assert hosts_of(inventory, "pool_big") == loose
            assert {hostvars(inventory, h)["jenkins_ha_pool"] for h in default} == {"default"}
            assert hostvars(inventory, spotted[0])["jenkins_ha_pool"] == "spot"
            (controller,) = hosts_of(inventory, "controller")
            assert hostvars(inventory, controller)["jenkins_ha_pool"] is None
            assert not [
                g
                for g in inventory.groups
                if g.startswith("pool_") and g not in ("pool_default", "pool_spot", "pool_big")
            ]

    def test_stale_image_after_a_new_launch_template_version(self, aws, run_inventory):
        old, new = images(aws)
        stack_asg(aws, "prod", "agent", old)
        dummy, template = stack_asg(aws, "prod", "controller", old, size=1)
        aws.client("ec2").create_launch_template_version(
            LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": new}
        )
        inventory = run_inventory({"regions": ["us-east-1"]})

        assert hosts_of(inventory, "stale_image") == hosts_of(inventory, "controller")
        controller = hostvars(inventory, hosts_of(inventory, "controller")[0])
        assert controller["jenkins_ha_desired_image_id"] == new
        assert controller["image_id"] == old
        assert controller["jenkins_ha_stale_image"] is True

    def test_autoscaling_false_skips_lifecycle_and_stale_groups(self, aws, run_inventory):
        old, new = images(aws)
        dummy, template = stack_asg(aws, "prod", "agent", old)
        aws.client("ec2").create_launch_template_version(
            LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": new}
        )
        inventory = run_inventory({"regions": ["us-east-1"], "autoscaling": False})
        assert len(hosts_of(inventory, "asg_prod_agent")) == 2  # from the instance tag alone
        assert "stale_image" not in inventory.groups
        assert not [g for g in inventory.groups if g.startswith("lifecycle_")]

    def test_default_groups_false(self, aws, run_inventory):
        stack_asg(aws, "prod", "agent", images(aws)[0])
        inventory = run_inventory({"regions": ["us-east-1"], "default_groups": False})
        assert sorted(inventory.groups) == ["all", "jenkins_ec2", "ungrouped"]

    def test_stacks_filter_server_side_and_running_only(self, aws, run_inventory):
        prod = run_instances(aws, 2, instance_tags=tags(jenkins_ha__stack="prod"))
        run_instances(aws, 2, instance_tags=tags(jenkins_ha__stack="dev"))
        stopped = run_instances(aws, 1, instance_tags=tags(jenkins_ha__stack="prod"))
        aws.client("ec2").stop_instances(InstanceIds=stopped)
        inventory = run_inventory({"regions": ["us-east-1"], "stack": "prod"})
        assert sorted(inventory.hosts) == prod
        with_stopped = run_inventory(
            {"regions": ["us-east-1"], "stacks": ["prod"], "filters": {"instance-state-name": ["running", "stopped"]}}
        )
        assert sorted(with_stopped.hosts) == sorted(prod + stopped)

    def test_sanitised_group_names(self, aws, run_inventory):
        run_instances(aws, instance_tags=tags(jenkins_ha__stack="team-a.prod", jenkins_ha__component="agent"))
        inventory = run_inventory({"regions": ["us-east-1"]})
        assert "stack_team_a_prod" in inventory.groups


class TestHostnamesAndVars:
    def test_defaults_instance_id_and_private_ip(self, aws, run_inventory):
        (instance,) = run_instances(aws, instance_tags=tags(Name="web", Role="agent"))
        inventory = run_inventory({"regions": ["us-east-1"]})
        assert list(inventory.hosts) == [instance]
        hv = hostvars(inventory, instance)
        assert hv["ansible_host"] == hv["private_ip_address"]
        # aws_ec2's names and shapes
        assert hv["instance_id"] == instance
        assert hv["tags"] == {"Name": "web", "Role": "agent"}
        assert hv["state"] == {"code": 16, "name": "running"}
        assert hv["placement"]["availability_zone"] == "us-east-1a"
        assert hv["placement"]["region"] == "us-east-1"
        assert isinstance(hv["launch_time"], str)
        assert "network_interfaces" not in hv

    @pytest.mark.parametrize(
        "hostnames, expected",
        [
            (["tag:Name"], "{Name}"),
            (["tag:Missing", "private-ip-address"], "{private_ip_address}"),
            (["tag:Name=web"], "Name_web"),
            (["tag:Missing,Name"], "{Name}"),
            (["private-dns-name"], "{private_dns_name}"),
            (["tag:Name | upper"], "WEB"),
            ([{"name": "private-ip-address", "prefix": "tag:Name", "separator": "-"}], "{Name}-{private_ip_address}"),
            ([{"name": "instance-id", "prefix": "aws"}], "aws_{instance_id}"),
        ],
    )
    def test_hostname_forms(self, aws, run_inventory, hostnames, expected):
        (instance,) = run_instances(aws, instance_tags=tags(Name="web"))
        inventory = run_inventory({"regions": ["us-east-1"], "hostnames": hostnames})
        (host,) = inventory.hosts
        hv = dict(hostvars(inventory, host), Name="web")
        assert host == expected.format(**hv)

    def test_instances_without_any_hostname_are_left_out(self, aws, run_inventory):
        run_instances(aws, instance_tags=tags(Name="web"))
        run_instances(aws)
        inventory = run_inventory({"regions": ["us-east-1"], "hostnames": ["tag:Name"]})
        assert list(inventory.hosts) == ["web"]

    def test_extra_hostvars_converted_like_aws_ec2(self, aws, run_inventory):
        (instance,) = run_instances(aws)
        inventory = run_inventory({"regions": ["us-east-1"], "extra_hostvars": ["network_interfaces", "owner_id"]})
        hv = hostvars(inventory, instance)
        assert hv["network_interfaces"][0]["private_ip_address"] == hv["private_ip_address"]
        assert hv["owner_id"]
        everything = run_inventory({"regions": ["us-east-1"], "extra_hostvars": ["all"]}, name="all.jenkins_ec2.yml")
        assert {"block_device_mappings", "metadata_options", "reservation_id"} <= set(hostvars(everything, instance))

    def test_ansible_host_source_and_compose_override(self, aws, run_inventory):
        (instance,) = run_instances(aws)
        unset = run_inventory({"regions": ["us-east-1"], "ansible_host_source": ""})
        assert "ansible_host" not in hostvars(unset, instance)
        composed = run_inventory({"regions": ["us-east-1"], "compose": {"ansible_host": "instance_id"}})
        assert hostvars(composed, instance)["ansible_host"] == instance

    def test_controller_is_offered_as_jump_host(self, aws, run_inventory):
        (controller,) = run_instances(
            aws, instance_tags=tags(jenkins_ha__stack="prod", jenkins_ha__component="controller")
        )
        (agent,) = run_instances(aws, instance_tags=tags(jenkins_ha__stack="prod", jenkins_ha__component="agent"))
        compose = {
            "ansible_ssh_common_args": "'' if jenkins_ha_component == 'controller' else "
            "'-o ProxyJump=admin@' ~ jenkins_ha_controller.private_ip_address"
        }
        inventory = run_inventory({"regions": ["us-east-1"], "compose": compose})
        jump = hostvars(inventory, controller)["private_ip_address"]
        assert hostvars(inventory, agent)["ansible_ssh_common_args"] == "-o ProxyJump=admin@" + jump
        assert hostvars(inventory, controller)["ansible_ssh_common_args"] == ""


class TestConstructed:
    def test_keyed_groups_compose_and_groups(self, aws, run_inventory):
        agents = run_instances(aws, 2, instance_tags=tags(Role="agent"))
        (untagged,) = run_instances(aws)
        config = {
            "regions": ["us-east-1"],
            "keyed_groups": [
                {"key": "tags.Role", "prefix": "role"},
                {"key": "tags['Role']", "prefix": "quoted"},
                {"key": "placement.availability_zone", "prefix": "zone", "parent_group": "zones"},
                {"key": "tags.Role | upper", "prefix": "templated"},
                {"key": "tags", "prefix": "tag"},
            ],
            "compose": {"role": "tags.Role", "zone_upper": "placement.availability_zone | upper"},
            "groups": {"is_agent": "role == 'agent'"},
        }
        inventory = run_inventory(config)
        for group in ("role_agent", "quoted_agent", "templated_AGENT", "tag_Role_agent", "is_agent"):
            assert hosts_of(inventory, group) == agents, group
        # keyed_groups sanitise as aws_ec2 does (TRANSFORM_INVALID_GROUP_CHARS, default: keep the name)
        assert hosts_of(inventory, "zone_us-east-1a") == sorted(agents + [untagged])
        assert "zone_us-east-1a" in [g.name for g in inventory.groups["zones"].child_groups]
        assert hostvars(inventory, agents[0])["role"] == "agent"
        assert hostvars(inventory, agents[0])["zone_upper"] == "US-EAST-1A"
        assert "role" not in hostvars(inventory, untagged)

    def test_strict_reports_missing_keys(self, aws, run_inventory):
        run_instances(aws)
        with pytest.raises(AnsibleError, match="tags.Role"):
            run_inventory({"regions": ["us-east-1"], "strict": True, "keyed_groups": [{"key": "tags.Role"}]})


class TestCache:
    def test_jsonfile_round_trip(self, aws, run_inventory, tmp_path):
        old, new = images(aws)
        stack_asg(aws, "prod", "agent", old)
        config = {
            "regions": ["us-east-1"],
            "cache": True,
            "cache_plugin": "jsonfile",  # short name: no collection loader in this process
            "cache_connection": str(tmp_path / "cache"),
            "cache_timeout": 3600,
            "keyed_groups": [{"key": "tags['jenkins-ha:stack']", "prefix": "tagged"}],
        }
        fresh = run_inventory(config)
        assert list((tmp_path / "cache").iterdir())
        # The fleet changes behind the cache's back: a cached read must not see it...
        run_instances(aws, 3)
        cached = run_inventory(config)
        assert sorted(cached.hosts) == sorted(fresh.hosts)
        assert sorted(cached.groups) == sorted(fresh.groups)
        for host in fresh.hosts:
            assert json.dumps(hostvars(cached, host), sort_keys=True, default=str) == json.dumps(
                hostvars(fresh, host), sort_keys=True, default=str
            )
        # ...a refresh (cache=False, as --flush-cache does) must, and rewrites the cache.
        refreshed = run_inventory(config, cache=False)
        assert len(refreshed.hosts) == len(fresh.hosts) + 3
        assert len(run_inventory(config).hosts) == len(fresh.hosts) + 3

    def test_cache_of_another_query_is_ignored(self, aws, run_inventory, tmp_path):
        prod = run_instances(aws, 1, instance_tags=tags(jenkins_ha__stack="prod"))
        dev = run_instances(aws, 1, instance_tags=tags(jenkins_ha__stack="dev"))
        config = {
            "regions": ["us-east-1"],
            "cache": True,
            "cache_plugin": "jsonfile",  # short name: no collection loader in this process
            "cache_connection": str(tmp_path / "cache"),
            "stacks": ["prod"],
        }
        assert list(run_inventory(config).hosts) == prod
        config["stacks"] = ["dev"]
        assert list(run_inventory(config).hosts) == dev


class TestBadConfig:
    @pytest.mark.parametrize(
        "config, message",
        [
            ({}, "regions"),
            ({"regions": []}, "regions"),
            ({"regions": ["us-east-1"], "hostnames": ["public-ip"]}, "'public-ip' is not a supported source"),
            ({"regions": ["us-east-1"], "hostnames": [{"prefix": "aws"}]}, "needs 'name'"),
            ({"regions": ["us-east-1"], "hostnames": [["instance-id"]]}, "strings or dicts"),
            ({"regions": ["us-east-1"], "hostnames": ["tag:"]}, "needs a tag key"),
            ({"regions": ["us-east-1"], "ansible_host_source": "elastic-ip"}, "not a supported source"),
            ({"regions": ["us-east-1"], "include_filters": [{"tag:Name": "x"}]}, "include_filters"),
            ({"regions": ["us-east-1"], "keyed_groups": [{"prefix": "role"}]}, "needs a 'key'"),
        ],
    )
    def test_clear_errors(self, aws, run_inventory, config, message):
        with pytest.raises(AnsibleError, match=message):
            run_inventory(config)

    def test_file_names(self):
        from ansible_collections.jenkins_ha.aws.plugins.inventory.jenkins_ec2 import InventoryModule

        assert InventoryModule.INVENTORY_FILE_SUFFIXES == ("jenkins_ec2.yml", "jenkins_ec2.yaml")
        assert not InventoryModule().verify_file("/nonexistent/prod.aws_ec2.yml")
