# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Argument-spec pieces several modules share, each paired with the doc fragment that documents it, so the docs
and the spec change together. Every call returns a fresh dict a module may extend."""


def state_argument_spec():
    """state: present/absent (each module documents what the states mean for its resource)."""
    return dict(state=dict(type="str", default="present", choices=["present", "absent"]))


def tags_argument_spec():
    """tags/purge_tags as documented by the amazon.aws.tags doc fragment."""
    return dict(
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )


def wait_argument_spec(timeout):
    """wait/wait_timeout as documented by the jenkins_ha.aws.wait doc fragment; timeout is the default in seconds."""
    return dict(
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=timeout),
    )
