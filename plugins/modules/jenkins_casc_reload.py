#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: jenkins_casc_reload
short_description: Reload Jenkins' Configuration as Code and verify that Jenkins applied it
version_added: 0.1.0
description:
  - Asks the Configuration as Code (JCasC) plugin to re-read its configuration and fails unless JCasC says it
    applied it; then reads back what Jenkins runs (O(expect)) when an account is given.
  - C(token) (the default) uses JCasC's token reload, C(POST /reload-configuration-as-code/) with the form field
    C(casc-reload-token), without account or crumb, so it works with any security realm (OIDC has no password login).
    Success is status 200 with an empty body; JCasC answers a configuration error with 200 and a JSON error, a
    wrong token with 401, and 404 when Jenkins was started without a token. The token is read on the Jenkins host
    from O(token_file), a systemd environment file (C(CASC_RELOAD_TOKEN=...)) that the unit passes to Jenkins, so
    it is never a module argument, a command line argument or a URL.
  - C(password) POSTs C(/configuration-as-code/reload) with HTTP basic authentication and a crumb of the same web
    session; the account needs Overall/Manage. Success is a 302 to C(<url>/configuration-as-code/); a
    configuration error comes back as JCasC's error page with status 200, which fails the task.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  url:
    description: Jenkins' URL as seen from where the module runs, e.g. C(http://127.0.0.1:8080).
    type: str
    required: true
  method:
    description: How to ask for the reload (above).
    type: str
    choices: [token, password]
    default: token
  token_file:
    description:
      - Environment file holding C(CASC_RELOAD_TOKEN=<token>) (O(method=token)); the same file the Jenkins unit
        reads with C(EnvironmentFile=).
    type: path
    default: /etc/jenkins-ha/casc-reload-token.env
  username:
    description:
      - Account for O(method=password), and for the read-back with either method.
    type: str
  password:
    description: Password or API token of O(username).
    type: str
  expect:
    description:
      - Fields of C(GET /api/json) that must have these values after the reload, e.g. C(description) (the system
        message), C(numExecutors), C(mode). Read only when O(username) and O(password) are given.
    type: dict
    default: {}
  validate_certs:
    description: Verify Jenkins' TLS certificate.
    type: bool
    default: true
  timeout:
    description: Timeout of each HTTP request in seconds (a reload applies the whole configuration).
    type: int
    default: 120
  startup_timeout:
    description:
      - Seconds to keep asking while Jenkins is still starting (connection refused, HTTP 502, 503 or 504); any other
        answer is final at once.
    type: int
    default: 120
attributes:
  check_mode:
    support: full
    description: Reports the reload it would ask for, without asking.
  diff_mode:
    support: none
    description: A reload has no before and after to show.
  platform:
    platforms: posix
    support: full
    description: Runs on the Jenkins host (it reads O(token_file) there).
notes:
  - The contract with Jenkins (endpoints, parameters, status codes, with file and line in configuration-as-code
    2117.vc05a_0b_e6b_f4e) is written down in the C(jenkins_ha.aws.jenkins_controller) role's README.
seealso:
  - name: Configuration reload (configuration-as-code plugin)
    description: The plugin's documentation of the reload endpoints.
    link: https://github.com/jenkinsci/configuration-as-code-plugin/blob/master/docs/features/configurationReload.md
"""

EXAMPLES = r"""
- name: Reload JCasC through its token endpoint and check the system message
  jenkins_ha.aws.jenkins_casc_reload:
    url: http://127.0.0.1:8080
    username: admin
    password: "{{ vault_admin_password }}"
    expect:
      description: Jenkins managed by jenkins_ha.aws
  no_log: true

- name: Reload as an account with Overall/Manage
  jenkins_ha.aws.jenkins_casc_reload:
    url: http://127.0.0.1:8080
    method: password
    username: casc-reloader
    password: "{{ vault_reloader_api_token }}"
"""

RETURN = r"""
status:
  description: HTTP status of the reload request (200 for the token method, 302 for the password method).
  returned: success, not in check mode
  type: int
  sample: 200
location:
  description: Where the password method's reload redirected to.
  returned: success with O(method=password)
  type: str
  sample: http://127.0.0.1:8080/configuration-as-code/
verified:
  description: The fields of O(expect) that were read back and matched.
  returned: success
  type: list
  elements: str
  sample: [description, numExecutors]
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import (
    TOKEN_RELOAD_ENV,
    JenkinsAPI,
    JenkinsAPIError,
    read_env_file,
    reload_casc_with_password,
    reload_casc_with_token,
    running_configuration_differences,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            method=dict(type="str", choices=["token", "password"], default="token"),
            token_file=dict(type="path", default="/etc/jenkins-ha/casc-reload-token.env"),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            expect=dict(type="dict", default={}),
            validate_certs=dict(type="bool", default=True),
            timeout=dict(type="int", default=120),
            startup_timeout=dict(type="int", default=120),
        ),
        required_if=[("method", "password", ("username", "password"))],
        supports_check_mode=True,
    )
    params = module.params
    token = None
    if params["method"] == "token":
        try:
            token = read_env_file(params["token_file"], TOKEN_RELOAD_ENV)
        except OSError as e:
            module.fail_json(msg="cannot read the reload token from {0}: {1}".format(params["token_file"], e))
        if not token:
            module.fail_json(msg="{0} sets no {1}".format(params["token_file"], TOKEN_RELOAD_ENV))
        module.no_log_values.add(token)
    if module.check_mode:
        module.exit_json(changed=True, verified=[])

    with_account = bool(params["username"]) and bool(params["password"])
    api = JenkinsAPI(
        params["url"],
        username=params["username"] if with_account else None,
        password=params["password"] if with_account else None,
        validate_certs=params["validate_certs"],
        timeout=params["timeout"],
    )
    result = dict(changed=True, verified=[])
    deadline = time.monotonic() + params["startup_timeout"]
    try:
        while True:
            try:
                if params["method"] == "token":
                    # No account on the token request: the token alone authorises it (JCasC runs it as SYSTEM).
                    anonymous = JenkinsAPI(
                        params["url"], validate_certs=params["validate_certs"], timeout=params["timeout"]
                    )
                    result["status"], dummy = reload_casc_with_token(anonymous, token)
                else:
                    result["status"], result["location"] = reload_casc_with_password(api)
                break
            except JenkinsAPIError as e:
                # Still starting: no answer yet, or the "Jenkins is getting ready" page (503).
                if e.status in (None, 502, 503, 504) and time.monotonic() < deadline:
                    time.sleep(3)
                    continue
                raise
        if with_account and params["expect"]:
            differences = running_configuration_differences(api, params["expect"])
            if differences:
                module.fail_json(
                    msg="Jenkins answered the reload as applied, but does not run the configuration: {0}".format(
                        "; ".join(differences)
                    ),
                    **result,
                )
            result["verified"] = sorted(params["expect"])
    except JenkinsAPIError as e:
        module.fail_json(msg=to_native(e.message), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
