# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The lookups that read AWS (plugins/plugin_utils/_aws_lookup.py). Their connection options are amazon.aws's
    # (amazon.aws.boto3, amazon.aws.common.plugins, amazon.aws.region.plugins), which each lookup extends too.
    DOCUMENTATION = r"""
options: {}
notes:
  - The boto3 client is kept for the rest of the process and shared by the collection's lookups that read AWS, so
    that the reads of one task (its loop items, its conditions, several lookups of a C(set_fact)) build it, and load
    the service's model, once. Ansible runs each task in a worker process of its own.
  - Clients are told apart by service, region, endpoint, the credentials or profile and the other connection options,
    and the C(AWS_*) environment variables; a read with other connection options gets a client of its own.
"""
