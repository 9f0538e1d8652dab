# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Warm-pool guard: the boot unit and Jenkins run only on an instance that is going into service.

A controller group with a warm pool launches an instance into the pool first: it boots once (user data, the boot
unit), then is stopped, and started again when the group moves it into service. That first boot must not mount
JENKINS_HOME nor start Jenkins: another controller serves the stack meanwhile. Auto Scaling publishes where an
instance is heading in the instance metadata item autoscaling/target-lifecycle-state ("Retrieve the target lifecycle
state through instance metadata", EC2 Auto Scaling user guide): InService, Standby, Detached, Terminated,
Warmed:Stopped, Warmed:Running, Warmed:Hibernated, Warmed:Terminated.

systemd runs this as ExecCondition= of jenkins-ha-boot.service and of the units that require it (jenkins.service):
exit 0 runs the unit; exit 1 skips it without failing it (systemd.service(5), ExecCondition=). The boot unit is
enabled, so it runs again at the next boot, the one into service: the stack's warm pool uses PoolState Stopped for
this reason (a Running or Hibernated warm instance enters service without booting, and nothing would run again).

Not in an Auto Scaling group (the metadata item is absent, 404) or no instance metadata at all (a container, IMDS
disabled): the unit runs, as before this guard; the lock on JENKINS_HOME still excludes a second writer.
"""

import os
import sys
import time
import urllib.error
import urllib.request

DEFAULT_ENDPOINT = "http://169.254.169.254"
# botocore's setting for the metadata endpoint (e.g. IPv6 IMDS); the same name, so one place configures both.
ENDPOINT_ENV = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
TOKEN_PATH = "/latest/api/token"
STATE_PATH = "/latest/meta-data/autoscaling/target-lifecycle-state"
RUN, SKIP = 0, 1
ATTEMPTS = 3


def decide(state):
    """(exit code, reason) for a target lifecycle state; None: no state (not in a group, or no metadata)."""
    if state is None:
        return RUN, "no Auto Scaling target lifecycle state: not in a warm pool"
    if state.startswith("Warmed:"):
        return SKIP, "target lifecycle state {0}: a warm-pool instance does not mount EFS or start Jenkins".format(
            state
        )
    if state == "Terminated":
        return SKIP, "target lifecycle state Terminated: the instance is going away"
    return RUN, "target lifecycle state {0}".format(state)


def _request(url, method="GET", headers=None, timeout=1):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec B310: a fixed http endpoint
        return response.read().decode("utf-8").strip()


def target_lifecycle_state(endpoint, attempts=ATTEMPTS, pause=1.0):
    """The instance's target lifecycle state through IMDSv2, or None when there is none or no metadata service."""
    for attempt in range(attempts):
        try:
            token = _request(
                endpoint + TOKEN_PATH, method="PUT", headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"}
            )
            return _request(endpoint + STATE_PATH, headers={"X-aws-ec2-metadata-token": token}) or None
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            # 401 (token expired between the calls) or a 5xx: ask again.
        except (urllib.error.URLError, OSError):
            pass
        if attempt + 1 < attempts:
            time.sleep(pause)
    return None


def main():
    endpoint = os.environ.get(ENDPOINT_ENV, DEFAULT_ENDPOINT).rstrip("/")
    try:
        state = target_lifecycle_state(endpoint)
    except Exception as error:  # pylint: disable=broad-exception-caught
        # An uncaught exception exits 1, which ExecCondition= reads as "skip": a bug here would silently keep
        # Jenkins down on every controller. Fail open instead, like an instance without metadata.
        print("jenkins-ha lifecycle guard: run: cannot read the target lifecycle state ({0!r})".format(error))
        return RUN
    code, reason = decide(state)
    print("jenkins-ha lifecycle guard: {0}: {1}".format("run" if code == RUN else "skip", reason))
    return code


if __name__ == "__main__":
    sys.exit(main())
