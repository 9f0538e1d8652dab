# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""unconverged_sns_topic: what community.aws.sns_topic (10.x, state present) would change on a topic, from what the
aws_read lookup reads of it in the Ansible process, so a converged rerun of monitoring.yml runs no module.

The module (plugins/modules/sns_topic.py, SnsTopicManager.ensure_ok) creates a topic no ListTopics ARN ends in
``:<name>``; sets DisplayName when it is given and differs; with purge_subscriptions (its default) unsubscribes every
(Protocol, Endpoint) not asked for unless its SubscriptionArn is PendingConfirmation or Deleted, and subscribes every
asked one missing (an SMS number canonicalised first, module_utils/sns.py canonicalize_endpoint); with tags given,
compares them with compare_aws_tags (purge_tags, its default, leaves aws:* alone). A policy, delivery policy,
FIFO options and subscription attributes are not compared: monitoring.yml passes none, and the filter refuses them.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# Options of the module this comparison models; any other could change the topic unseen.
MODELLED_OPTIONS = {"name", "display_name", "subscriptions", "tags"}
# Subscriptions the module neither counts as unwanted nor unsubscribes.
UNSETTLED = ("PendingConfirmation", "Deleted")


def _endpoint(protocol, endpoint):
    # As community.aws module_utils/sns.py canonicalize_endpoint: SNS stores phone numbers in E.164.
    return re.sub("[^0-9+]*", "", endpoint) if protocol == "sms" else endpoint


def _mapping(value, what):
    if not isinstance(value, dict):
        raise AnsibleFilterError("unconverged_sns_topic: {0} must be a mapping, got {1!r}".format(what, value))
    return value


def _subscription(subscription, what):
    _mapping(subscription, what)
    protocol, endpoint = subscription.get("protocol"), subscription.get("endpoint")
    if not isinstance(protocol, str) or not isinstance(endpoint, str):
        raise AnsibleFilterError(
            "unconverged_sns_topic: {0} needs a protocol and an endpoint, got {1!r}".format(what, subscription)
        )
    return protocol, endpoint


def unconverged_sns_topic(live, options):
    """What differs, as a sorted list of the module's parts (``create``, ``display_name``, ``subscriptions``,
    ``tags``); empty when the module would change nothing.

    ``live``: ``topic_arn`` (empty: no topic of that name), ``attributes`` (GetTopicAttributes, snake_case),
    ``subscriptions`` (ListSubscriptionsByTopic, snake_case) and ``tags`` (ListTagsForResource, a dict).
    ``options``: the module's options (name, display_name, subscriptions, tags)."""
    _mapping(live, "the live topic")
    _mapping(options, "the module options")
    unknown = sorted(set(options) - MODELLED_OPTIONS)
    if unknown:
        raise AnsibleFilterError("unconverged_sns_topic: options {0} are not compared".format(", ".join(unknown)))
    if not live.get("topic_arn"):
        return ["create"]
    differs = set()
    display_name = options.get("display_name")
    if display_name and display_name != _mapping(live.get("attributes") or {}, "attributes").get("display_name"):
        differs.add("display_name")
    wanted = set()
    for subscription in options.get("subscriptions") or []:
        protocol, endpoint = _subscription(subscription, "an asked subscription")
        wanted.add((protocol, _endpoint(protocol, endpoint)))
    existing = set()
    for subscription in live.get("subscriptions") or []:
        key = _subscription(subscription, "a live subscription")
        existing.add(key)
        if key not in wanted and subscription.get("subscription_arn") not in UNSETTLED:
            differs.add("subscriptions")
    if wanted - existing:
        differs.add("subscriptions")
    if options.get("tags") is not None:
        current = {str(key): value for key, value in _mapping(live.get("tags") or {}, "tags").items()}
        desired = {str(key): value for key, value in _mapping(options["tags"], "the tags option").items()}
        to_set, to_unset = compare_aws_tags(current, desired, purge_tags=True)
        if to_set or to_unset:
            differs.add("tags")
    return sorted(differs)


class FilterModule:
    def filters(self):
        return {"unconverged_sns_topic": unconverged_sns_topic}
