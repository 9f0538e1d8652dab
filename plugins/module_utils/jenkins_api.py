# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A small client for Jenkins' HTTP API: base URL, HTTP basic auth, CSRF crumb bound to the web session, JSON GET
and form/JSON POST, and one exception type (JenkinsAPIError) for every failure.

Jenkins binds a crumb to the web session that issued it (since 2.176.2), so the client keeps a cookie jar and
fetches the crumb through the same session it then POSTs with. Requests authenticated by an API token do not
need a crumb, but sending one does no harm, so the client always does when CSRF protection is on.
"""

import base64
import copy
import json
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit

from ansible.module_utils.urls import Request

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import malformed
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import malformed_url

# The connection options of every module that talks to Jenkins, documented by the doc fragment
# jenkins_ha.aws.jenkins_api (plugins/doc_fragments/jenkins_api.py): change both together.
_ARGUMENT_SPEC = dict(
    url=dict(type="str", required=True),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    password_parameter=dict(type="str", no_log=False),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="int", default=30),
)
MUTUALLY_EXCLUSIVE = [("password", "password_parameter")]


def jenkins_api_argument_spec():
    """A fresh copy of the connection options, for a module to add its own to."""
    return copy.deepcopy(_ARGUMENT_SPEC)


class JenkinsAPIError(Exception):
    """Any failed call to Jenkins: connection refused, HTTP error status, unparsable answer."""

    def __init__(self, message, status=None, url=None, body=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.url = url
        self.body = body


def quote_segment(name):
    """Quote a path segment such as a node name (spaces, slashes) the way Jenkins' URLs expect."""
    return quote(name, safe="")


class JenkinsAPI:
    """One logical user session against one Jenkins controller."""

    def __init__(self, url, username=None, password=None, validate_certs=True, timeout=30):
        if not url:
            raise JenkinsAPIError("the Jenkins URL is empty")
        self.base_url = url.rstrip("/")
        self.username = username
        self._password = password
        self._cookies = CookieJar()
        self._crumb = None
        self._crumb_fetched = False
        headers = {"Accept": "application/json"}
        if username is not None:
            token = base64.b64encode("{0}:{1}".format(username, password or "").encode("utf-8")).decode("ascii")
            headers["Authorization"] = "Basic " + token
        self._request = Request(
            headers=headers,
            cookies=self._cookies,
            validate_certs=validate_certs,
            timeout=timeout,
            follow_redirects="none",
        )

    def url_for(self, path):
        return self.base_url + "/" + path.lstrip("/")

    def _open(self, method, path, data=None, headers=None, expected=(200,)):
        url = self.url_for(path)
        try:
            response = self._request.open(method, url, data=data, headers=headers or {})
            status = response.getcode()
            body = response.read()
            response_headers = dict(response.headers.items())
        except HTTPError as e:
            status = e.code
            body = e.read() if e.fp is not None else b""
            response_headers = dict(e.headers.items()) if e.headers is not None else {}
            if status not in expected:
                raise JenkinsAPIError(self._describe(method, url, status, body), status=status, url=url, body=body)
        except URLError as e:
            raise JenkinsAPIError("cannot reach Jenkins at {0}: {1}".format(url, e.reason), url=url)
        except (OSError, ValueError) as e:
            raise JenkinsAPIError("cannot reach Jenkins at {0}: {1}".format(url, e), url=url)
        if status not in expected:
            raise JenkinsAPIError(self._describe(method, url, status, body), status=status, url=url, body=body)
        return status, response_headers, body

    def _describe(self, method, url, status, body):
        hints = {
            401: "the credentials were rejected",
            403: "the user lacks the permission, or the CSRF crumb was refused",
            404: "no such page: check the URL and the object's name",
        }
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        excerpt = " ".join(text.split())[:200]
        return "{0} {1} answered HTTP {2}{3}{4}".format(
            method,
            url,
            status,
            " ({0})".format(hints[status]) if status in hints else "",
            ": " + excerpt if excerpt else "",
        )

    def get_json(self, path, params=None):
        """GET <path> (e.g. 'computer/api/json') and decode the JSON answer."""
        if params:
            path = "{0}?{1}".format(path, urlencode(params))
        dummy_status, dummy_headers, body = self._open("GET", path)
        try:
            return json.loads(body.decode("utf-8"))
        except ValueError as e:
            raise JenkinsAPIError("{0} did not answer JSON: {1}".format(self.url_for(path), e), url=self.url_for(path))

    def crumb(self):
        """The (field, value) of a CSRF crumb for this session, or None when Jenkins issues none."""
        if not self._crumb_fetched:
            try:
                answer = self.get_json("crumbIssuer/api/json")
            except JenkinsAPIError as e:
                if e.status != 404:
                    raise
                answer = None
            if answer is not None:
                if "crumb" not in answer or "crumbRequestField" not in answer:
                    raise JenkinsAPIError("the crumb issuer answered without crumb/crumbRequestField")
                self._crumb = (answer["crumbRequestField"], answer["crumb"])
            self._crumb_fetched = True
        return self._crumb

    def post(self, path, params=None, data=None, json_body=None, expected=(200, 201, 204, 302, 303)):
        """POST with the session's crumb; params go into the query string, data is form-encoded.

        Returns (status, headers, body). Jenkins answers most actions with a redirect: 302 counts as success.
        """
        headers = {}
        crumb = self.crumb()
        if crumb is not None:
            headers[crumb[0]] = crumb[1]
        if params:
            path = "{0}?{1}".format(path, urlencode(params))
        payload = None
        if json_body is not None:
            payload = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif data is not None:
            payload = urlencode(data).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self._open("POST", path, data=payload, headers=headers, expected=expected)

    def who_am_i(self):
        return self.get_json("whoAmI/api/json")


# Configuration as Code reloads, as configuration-as-code 2117.vc05a_0b_e6b_f4e implements them (file:line in that
# tag of jenkinsci/configuration-as-code-plugin; the role README has the whole contract for the stand-in):
# - token: POST <jenkins>/reload-configuration-as-code/ (trailing slash: TokenReloadCrumbExclusion.java:20 exempts
#   exactly that path from the crumb) with casc-reload-token=<token> (TokenReloadAction.java:27, read with
#   request.getParameter, :81, so query string or form body; we send the body); the token is CASC_RELOAD_TOKEN in
#   Jenkins' environment (:28, :85) or system property casc.reload.token (:26, :90). Success: 200 with an empty body
#   (:63-64 return nothing); a configuration error: 200 with JSON {"status": "error", "message": ...} (:70-71);
#   wrong token 401 (:74); token reload not enabled 404 (:53).
# - password: POST <jenkins>/configuration-as-code/reload with authentication and crumb; Overall/Manage required,
#   else 403 (ConfigurationAsCode.java:171-174); success: 302 to the same directory, sendRedirect("") (:192), which
#   Stapler resolves to <jenkins>/configuration-as-code/; a configuration error forwards to error.jelly: an HTML
#   page with status 200 (:179-190, :209-211).
TOKEN_RELOAD_PATH = "reload-configuration-as-code/"
TOKEN_RELOAD_PARAMETER = "casc-reload-token"
TOKEN_RELOAD_ENV = "CASC_RELOAD_TOKEN"
PASSWORD_RELOAD_PATH = "configuration-as-code/reload"
RELOAD_REDIRECT_PATH = "/configuration-as-code/"


def _excerpt(body, limit=300):
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    return " ".join(text.split())[:limit]


def read_env_file(path, name):
    """The value of NAME=value in a systemd EnvironmentFile (optional quotes), or None when it is not set."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            if key.strip() == name:
                value = value.strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                return value
    return None


def reload_casc_with_token(api, token):
    """JCasC's token reload; returns (status, body). Raises JenkinsAPIError unless JCasC says it applied the file."""
    if not token:
        raise JenkinsAPIError("the JCasC reload token is empty")
    url = api.url_for(TOKEN_RELOAD_PATH)
    try:
        status, dummy_headers, body = api._open(
            "POST",
            TOKEN_RELOAD_PATH,
            data=urlencode({TOKEN_RELOAD_PARAMETER: token}).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            expected=(200,),
        )
    except JenkinsAPIError as e:
        hints = {
            401: "Jenkins has another reload token: it reads CASC_RELOAD_TOKEN only when it starts (restart it)",
            404: "token reload is not enabled: Jenkins was started without CASC_RELOAD_TOKEN (restart it)",
        }
        if e.status in hints:
            raise JenkinsAPIError(
                "POST {0} answered HTTP {1}: {2}".format(url, e.status, hints[e.status]), status=e.status, url=url
            )
        raise
    text = body.decode("utf-8", "replace").strip() if isinstance(body, bytes) else str(body or "").strip()
    if not text:
        return status, text
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("status") == "error":
        raise JenkinsAPIError(
            "Jenkins refused the configuration: {0}".format(answer.get("message") or "(no message)"),
            status=status,
            url=url,
            body=body,
        )
    raise JenkinsAPIError(
        "POST {0} answered 200 with an unexpected body (a reload answers with an empty one): {1}".format(
            url, _excerpt(body)
        ),
        status=status,
        url=url,
        body=body,
    )


def reload_casc_with_password(api):
    """JCasC's reload for an authenticated user with Overall/Manage and a crumb; returns (status, location).

    Only a 302 whose Location is <jenkins>/configuration-as-code/ is a success: JCasC answers a configuration
    error with its error page and status 200, and a login page or proxy would redirect elsewhere.
    """
    url = api.url_for(PASSWORD_RELOAD_PATH)
    try:
        status, headers, body = api.post(PASSWORD_RELOAD_PATH, expected=(200, 302))
    except JenkinsAPIError as e:
        if e.status == 403:
            raise JenkinsAPIError(
                "POST {0} answered HTTP 403: the account lacks Overall/Manage, or the crumb was refused".format(url),
                status=403,
                url=url,
            )
        raise
    if status != 302:
        raise JenkinsAPIError(
            "Jenkins refused the configuration (POST {0} answered {1}, its error page): {2}".format(
                url, status, _excerpt(body)
            ),
            status=status,
            url=url,
            body=body,
        )
    location = next((v for k, v in headers.items() if k.lower() == "location"), "")
    expected_path = urlsplit(api.base_url).path.rstrip("/") + RELOAD_REDIRECT_PATH
    target = urlsplit(location)
    same_host = not target.netloc or target.netloc == urlsplit(api.base_url).netloc
    if target.path != expected_path or not same_host:
        raise JenkinsAPIError(
            "POST {0} redirected to {1!r}, not to {2}: not a JCasC reload".format(url, location, expected_path),
            status=status,
            url=url,
        )
    return status, location


def running_configuration_differences(api, expected):
    """Read back what Jenkins runs (GET /api/json: description = the system message, numExecutors, mode) and list
    each expected field that differs, as 'field: expected X, Jenkins runs Y'."""
    if not expected:
        return []
    answer = api.get_json("api/json", params={"tree": ",".join(sorted(expected))})
    differences = []
    for field in sorted(expected):
        want, have = expected[field], answer.get(field)
        if str(want) != str(have):
            differences.append("{0}: expected {1!r}, Jenkins runs {2!r}".format(field, want, have))
    return differences


class AnsibleJenkinsSecretError(AnsibleAWSError):
    pass


class SecretParameterErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleJenkinsSecretError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ParameterNotFound")


@SecretParameterErrorHandler.common_error_handler("read the Jenkins password from SSM")
@AWSRetry.jittered_backoff()
def read_secure_parameter(client, name):
    """The decrypted value of an SSM (SecureString) parameter; a missing parameter is an error, not None."""
    return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]


def connect(module):
    """A JenkinsAPI session from the options of jenkins_api_argument_spec(), the password read from SSM when
    password_parameter is set (and then kept out of every result)."""
    params = module.params
    problems = [malformed_url("url", params["url"])] + malformed(
        "password_parameter", "ssm_parameter", params["password_parameter"]
    )
    if any(problems):
        module.fail_json(msg="Malformed options, Jenkins was not called: " + "; ".join(p for p in problems if p))
    password = params["password"]
    if params["password_parameter"]:
        try:
            password = read_secure_parameter(module.client("ssm"), params["password_parameter"])
        except AnsibleJenkinsSecretError as e:
            module.fail_json_aws_error(e)
        module.no_log_values.add(password)
    return JenkinsAPI(
        params["url"],
        username=params["username"],
        password=password,
        validate_certs=params["validate_certs"],
        timeout=params["timeout"],
    )
