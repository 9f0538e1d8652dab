# -*- coding: utf-8 -*-
# Copyright: jenkins_ha.aws contributors
# Apache License 2.0 (see LICENSE)
"""Private helpers of the jenkins_ha.aws.jenkins_ec2 inventory plugin (not a public API)."""
