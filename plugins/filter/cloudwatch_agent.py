# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Amazon CloudWatch agent's configuration for one instance, built in Python so it is tested in one table.

The document is the agent's JSON configuration (translator/config/schema.json of aws/amazon-cloudwatch-agent; the
test bed pins v1.300071.0 under tests/upstream/amazon-cloudwatch-agent and validates every output against it).
Only the logs section: host metrics come from node exporter (roles/node_exporter), so the agent sends no metric and
its instance role needs no cloudwatch:PutMetricData.

Facts taken from the agent's source at that tag:
- translator/translate/logs/logs_collected/files/collect_list/ruleFromBeginning.go: a file is read from its
  beginning the first time (then from the offset in the agent's state file), so a boot log written before the
  agent started is shipped whole;
- plugins/outputs/cloudwatchlogs/internal/pusher/target.go: with no retention_in_days the agent calls only
  CreateLogStream and PutLogEvents (CreateLogGroup only when the group is missing, DescribeLogGroups and
  PutRetentionPolicy only with a retention). Retention stays with playbooks/logs.yml, so none is set here;
- log_stream_name takes the placeholder {instance_id} (translator/translate/util/placeholderUtil.go).
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

# CloudWatch Logs API reference, CreateLogGroup: 1-512 characters of [.\-_/#A-Za-z0-9].
LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
# Our stream suffixes: the stream is "{instance_id}/<name>"; CreateLogStream refuses ':' and '*'.
STREAM_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
INSTANCE_STREAM = "{instance_id}/"


def _error(message):
    raise AnsibleFilterError("cloudwatch_agent_config: " + message)


def _files(streams):
    if not isinstance(streams, list) or not streams:
        _error(f"the streams must be a non-empty list of {{name, file_path}}, got {streams!r}")
    collect, names, paths = [], set(), set()
    for stream in streams:
        if not isinstance(stream, dict) or set(stream) != {"name", "file_path"}:
            _error(f"each stream is exactly {{name, file_path}}, got {stream!r}")
        name, path = stream["name"], stream["file_path"]
        if not isinstance(name, str) or not STREAM_NAME.match(name):
            _error(f"stream name {name!r} must be lowercase letters, digits and '-' (it follows the instance id)")
        if not isinstance(path, str) or not path.startswith("/") or len(path) > 4096:
            _error(f"stream {name!r}: file_path must be an absolute path, got {path!r}")
        # The agent refuses a file listed twice (upstream sample invalidLogFilesWithDuplicateEntry.json), and two
        # streams of one name would interleave in CloudWatch.
        if name in names:
            _error(f"stream {name!r} is listed twice")
        if path in paths:
            _error(f"file {path!r} is listed twice")
        names.add(name)
        paths.add(path)
        collect.append({"file_path": path, "log_stream_name": INSTANCE_STREAM + name})
    return collect


def cloudwatch_agent_config(streams, log_group, region):
    """The agent's JSON configuration: every stream's file to log_group, one stream per instance and file.

    streams: [{name, file_path}] in order; log_group: the stack's log group of this instance's component (from the
    SSM record playbooks/logs.yml writes); region: the stack's region.
    """
    if not isinstance(log_group, str) or not LOG_GROUP_NAME.match(log_group):
        _error(
            f"log group {log_group!r} is not a CloudWatch Logs group name (1-512 of letters, digits, '.-_/#'): "
            "run playbooks/logs.yml for the stack first"
        )
    if not isinstance(region, str) or not REGION.match(region):
        _error(f"region {region!r} is not an AWS region name")
    collect = _files(streams)
    for entry in collect:
        entry["log_group_name"] = log_group
    return {
        "agent": {"region": region},
        "logs": {"logs_collected": {"files": {"collect_list": collect}}},
    }


class FilterModule:
    def filters(self):
        return {"cloudwatch_agent_config": cloudwatch_agent_config}
