"""keypair_rotation.yml at -vvv and --diff prints none of the keys it handles (old, new/pending) nor the admin password
it reloads Jenkins with. The cheap path: a stack with no running instance (so no agent or controller host; the
confirmations pass over zero instances) and a few lines of HTTP server standing in for the Jenkins API, so every
localhost phase runs, with the secrets: the pending key written, read back and handed to ssh-keygen, made the stack
key, the admin password sent for the JCasC reload. (The hosts' phases are covered, with containers, by
test_keypair_rotation.py; the converge's output by test_site.py.)"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.integration.harness import ROOT
from tests.integration.leaks import leaks, needles

PLAYBOOK = ROOT / "playbooks" / "housekeeping" / "keypair_rotation.yml"


class JenkinsApi(BaseHTTPRequestHandler):
    """Answers the crumb issuer and the JCasC reload as Jenkins does; records the Authorization headers."""

    seen: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append(self.headers.get("Authorization", ""))
        body = json.dumps({"crumbRequestField": "Jenkins-Crumb", "crumb": "c"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "JSESSIONID=s; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        self.seen.append(self.headers.get("Authorization", ""))
        self.send_response(302)
        self.send_header("Location", "/configuration-as-code/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def jenkins_api():
    JenkinsApi.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), JenkinsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:{0}/".format(server.server_port), JenkinsApi.seen
    server.shutdown()
    server.server_close()


def openssh_keypair():
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return private, public.decode()


def test_keypair_rotation_prints_no_secret(emulator, playbook, jenkins_api, tmp_path):
    url, seen = jenkins_api
    # Localhost as the implicit one is (this Python), and the two host groups empty.
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "hosts": {
                        "localhost": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                        }
                    },
                    "children": {"agent": {"hosts": {}}, "controller": {"hosts": {}}},
                }
            }
        )
    )
    name = "leak-" + uuid.uuid4().hex[:8]
    path = "/jenkins-ha/{0}/".format(name)
    ssm, kms, ec2 = emulator.client("ssm"), emulator.client("kms"), emulator.client("ec2")
    key_arn = kms.create_key(Description=name)["KeyMetadata"]["Arn"]
    old_private, old_public = openssh_keypair()
    password = secrets.token_urlsafe(24)
    ssm.put_parameter(Name=path + "keys/ssh-private-key", Value=old_private, Type="SecureString", KeyId=key_arn)
    ssm.put_parameter(Name=path + "keys/ssh-public-key", Value=old_public, Type="String")
    ssm.put_parameter(Name=path + "controller/url", Value=url, Type="String")
    ssm.put_parameter(Name=path + "controller/admin-username", Value="admin", Type="String")
    ssm.put_parameter(Name=path + "controller/admin-password", Value=password, Type="SecureString", KeyId=key_arn)
    ec2.import_key_pair(KeyName=name + "-jenkins", PublicKeyMaterial=old_public.encode())

    result = playbook(
        PLAYBOOK,
        inventory=inventory,
        extra_vars=[{"jenkins_ha_housekeeping_stack": name, "jenkins_ha_housekeeping_key_rotate_now": True}],
        diff=True,
        args=["-vvv"],
    )
    assert result.rc == 0, result.output[-4000:]
    assert "Rotated the SSH key of stack " + name in result.output, result.output[-4000:]

    new_private = ssm.get_parameter(Name=path + "keys/ssh-private-key", WithDecryption=True)["Parameter"]["Value"]
    assert new_private.strip() != old_private.strip()
    # The secrets were used: the new (once pending) key became the stack's, the password reached Jenkins' API.
    basic = "Basic " + base64.b64encode("admin:{0}".format(password).encode()).decode()
    assert seen == [basic, basic]
    handled = {
        "old private key": old_private,
        "new private key": new_private,
        "admin password": password,
        "admin password in the Basic header": basic.split()[1],
    }
    assert leaks(result.output, handled) == []
    # The detector would have seen them: each secret's own forms are found in a text that holds them.
    for value in handled.values():
        assert leaks("x" + next(iter(needles(value))) + "x", {"probe": value})
