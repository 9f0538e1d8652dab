# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the collection's lookups that read AWS: amazon.aws's AWSLookupBase (connection options from the
amazon.aws.common.plugins and amazon.aws.region.plugins doc fragments, client building, fail_aws) with the boto3
clients kept for the process, and botocore's errors turned into an AnsibleLookupError that names the read.

Building a client loads the service's model from botocore's data files: about 0.25 s of CPU for EC2 on a quiet
machine, 0.7 s under load, as much as a module run. Ansible runs each task (with its loop items and conditions) in
a worker process of its own, so a client kept for the process serves every read of one task.

It lives in plugin_utils as amazon.aws's own lookup base does (amazon.aws 10.1.2, plugins/plugin_utils/lookup.py):
it is controller code, and module_utils may not import ansible's controller packages.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os

try:
    import botocore
except ImportError:
    pass  # Handled by AWSLookupBase

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase

# client_key(...) -> boto3 client, for this process.
_CLIENTS = {}


def client_key(service, region, endpoint_url, connection, environ=None):
    """The cache key of a client: what makes two clients differ, the credentials only as a digest.

    ``connection``: the connection arguments the client is built with (credentials or profile, certificate
    checks; an aws_config, which the lookups do not document, would be a botocore Config whose repr differs each
    time: never a shared client, never a wrong one). The AWS_* environment variables count too: botocore reads some of them itself
    (AWS_ENDPOINT_URL, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ...) when no option says otherwise. The process
    id keeps a process that forked from one with clients (an Ansible worker from the main process) from sharing
    their connection pools.
    """
    environ = os.environ if environ is None else environ
    settings = {
        "connection": {str(key): value for key, value in (connection or {}).items()},
        "environment": {key: value for key, value in environ.items() if key.startswith("AWS_")},
    }
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=repr).encode("utf-8")).hexdigest()
    return (os.getpid(), service, region, endpoint_url, digest)


class AWSReadLookupBase(AWSLookupBase):
    """A lookup that reads AWS: ``self.client(service)`` is built once per process and connection."""

    def client(self, service, retry_decorator=None, **extra_params):
        if extra_params:
            return super().client(service, retry_decorator=retry_decorator, **extra_params)
        region, endpoint_url, connection = get_aws_connection_info(self)
        key = client_key(service, region, endpoint_url, connection)
        if key not in _CLIENTS:
            _CLIENTS[key] = super().client(service)
        client = _CLIENTS[key]
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    @contextlib.contextmanager
    def failing_as(self, message):
        """botocore's errors in the block as AnsibleLookupError("<message>: <error>") (AWSPluginBase.fail_aws)."""
        try:
            yield
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            self.fail_aws(message, exception=error)
