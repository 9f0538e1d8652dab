# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Auto Scaling warm pools: the API calls and the pure comparison of a described pool with the desired one."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import AutoScalingErrorHandler


@AutoScalingErrorHandler.common_error_handler("describe the warm pool")
@AWSRetry.jittered_backoff()
def describe_warm_pool(client, name):
    """The group's WarmPoolConfiguration, or None when it has none (or one being deleted)."""
    configuration = client.describe_warm_pool(AutoScalingGroupName=name).get("WarmPoolConfiguration")
    if not configuration or configuration.get("Status") == "PendingDelete":
        return None
    return configuration


@AutoScalingErrorHandler.common_error_handler("put the warm pool")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["ResourceContention"])
def put_warm_pool(client, name, configuration):
    client.put_warm_pool(AutoScalingGroupName=name, **configuration)


@AutoScalingErrorHandler.common_error_handler("delete the warm pool")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["ResourceContention"])
def delete_warm_pool(client, name):
    client.delete_warm_pool(AutoScalingGroupName=name, ForceDelete=True)


def desired_configuration(min_size, pool_state, max_group_prepared_capacity, reuse_on_scale_in):
    """PutWarmPool's parameters; MaxGroupPreparedCapacity -1 is AWS's 'unset' (the group's max size)."""
    return {
        "MinSize": min_size,
        "PoolState": pool_state,
        "MaxGroupPreparedCapacity": -1 if max_group_prepared_capacity is None else max_group_prepared_capacity,
        "InstanceReusePolicy": {"ReuseOnScaleIn": reuse_on_scale_in},
    }


def normalised(configuration):
    """A described configuration in desired_configuration's shape (AWS leaves out what is unset)."""
    if configuration is None:
        return None
    return {
        "MinSize": configuration.get("MinSize", 0),
        "PoolState": configuration.get("PoolState", "Stopped"),
        "MaxGroupPreparedCapacity": configuration.get("MaxGroupPreparedCapacity", -1),
        "InstanceReusePolicy": {
            "ReuseOnScaleIn": configuration.get("InstanceReusePolicy", {}).get("ReuseOnScaleIn", False)
        },
    }
