# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Backup on-demand backup jobs and restore jobs for jenkins_ha.aws.backup_job and backup_restore_job."""

import datetime
import time

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

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
