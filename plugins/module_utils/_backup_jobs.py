# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Backup on-demand backup jobs and restore jobs for jenkins_ha.aws.backup_job and backup_restore_job."""

import datetime
import time

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

# Terminal states (API reference: BackupJob.State, DescribeRestoreJob.Status).
BACKUP_DONE = ("COMPLETED", "FAILED", "ABORTED", "EXPIRED", "PARTIAL")
RESTORE_DONE = ("COMPLETED", "FAILED", "ABORTED")


class AnsibleBackupJobError(AnsibleAWSError):
    pass


class BackupJobErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleBackupJobError


@BackupJobErrorHandler.common_error_handler("start backup job")
@AWSRetry.jittered_backoff()
def start_backup_job(client, **params):
    return client.start_backup_job(**params)


@BackupJobErrorHandler.common_error_handler("describe backup job")
@AWSRetry.jittered_backoff()
def describe_backup_job(client, job_id):
    return client.describe_backup_job(BackupJobId=job_id)


@BackupJobErrorHandler.common_error_handler("start restore job")
@AWSRetry.jittered_backoff()
def start_restore_job(client, **params):
    return client.start_restore_job(**params)


@BackupJobErrorHandler.common_error_handler("describe restore job")
@AWSRetry.jittered_backoff()
def describe_restore_job(client, job_id):
    return client.describe_restore_job(RestoreJobId=job_id)


def wait_for(describe, state_key, done, timeout, delay, sleep=time.sleep, clock=time.monotonic):
    """Describe until the job's state is terminal or timeout seconds passed; returns (job, timed_out)."""
    deadline = clock() + timeout
    while True:
        job = describe()
        job.pop("ResponseMetadata", None)
        if job.get(state_key) in done:
            return job, False
        if clock() >= deadline:
            return job, True
        sleep(delay)


def iso_dates(record):
    """datetimes as ISO 8601 in UTC (what the playbooks compare), other values unchanged."""
    result = {}
    for key, value in record.items():
        if isinstance(value, datetime.datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)).astimezone(
                datetime.timezone.utc
            )
            value = value.isoformat()
        result[key] = value
    return result


# What differs between the two kinds of job: their calls, their id and state keys, their terminal states.
JOBS = {
    "backup": {
        "title": "Backup",
        "id_key": "BackupJobId",
        "state_key": "State",
        "done": BACKUP_DONE,
        "start": start_backup_job,
        "describe": describe_backup_job,
    },
    "restore": {
        "title": "Restore",
        "id_key": "RestoreJobId",
        "state_key": "Status",
        "done": RESTORE_DONE,
        "start": start_restore_job,
        "describe": describe_restore_job,
    },
}


def run_job(module, kind, request, fail_on_job_failure=True):
    """Start a backup or restore job, follow it when module.params["wait"], and return it in snake case.

    Fails the module (changed=True: the job was started) when the wait times out, or when the job ends other than
    COMPLETED and fail_on_job_failure; the job is in the result under `<kind>_job` either way."""
    job_kind = JOBS[kind]
    params = module.params
    client = module.client("backup")
    try:
        job_id = job_kind["start"](client, **request)[job_kind["id_key"]]
        if params["wait"]:
            job, timed_out = wait_for(
                lambda: job_kind["describe"](client, job_id),
                job_kind["state_key"],
                job_kind["done"],
                params["wait_timeout"],
                params["wait_delay"],
            )
        else:
            job, timed_out = job_kind["describe"](client, job_id), False
            job.pop("ResponseMetadata", None)
    except AnsibleBackupJobError as e:
        module.fail_json_aws_error(e)
    result = camel_dict_to_snake_dict(iso_dates(job))
    state = job.get(job_kind["state_key"])
    if timed_out:
        module.fail_json(
            msg="{0} job {1} still {2} after {3} s".format(job_kind["title"], job_id, state, params["wait_timeout"]),
            changed=True,
            **{kind + "_job": result},
        )
    if params["wait"] and fail_on_job_failure and state != "COMPLETED":
        module.fail_json(
            msg="{0} job {1} ended {2}: {3}".format(job_kind["title"], job_id, state, job.get("StatusMessage", "")),
            changed=True,
            **{kind + "_job": result},
        )
    return result
