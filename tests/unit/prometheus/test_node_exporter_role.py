"""roles/node_exporter without a container: its templates rendered from the role's own defaults and vars, then
checked by the real programs that read them. Debian's node exporter must accept the ARGS line as systemd splits it
and listen on the rendered address only; systemd-analyze must accept the facts service, its timer and the drop-in.

(A molecule scenario - bake, boot, scrape over the container's address - passed but took 544 s on the shared
2-core machine, far over the 90 s a scenario may add to `make test`; these checks cover the role's own files.)"""

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import jinja2
import pytest
import yaml

ROLE = Path(__file__).resolve().parents[3] / "roles" / "node_exporter"


def role_vars(**overrides):
    """defaults + vars of the role, their Jinja references resolved; the address fact-dependent var left out."""
    context = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    context.update(yaml.safe_load((ROLE / "vars" / "main.yml").read_text()))
    context.pop("__node_exporter_address")
    context.update(overrides, ansible_managed="Ansible managed")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for _round in range(5):
        context = {
            k: env.from_string(v).render(context) if isinstance(v, str) and "{{" in v else v for k, v in context.items()
        }
    return context


def render(name, **overrides):
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, keep_trailing_newline=True)
    return env.from_string((ROLE / "templates" / name).read_text()).render(role_vars(**overrides))


def systemd_words(env_file_text):
    """ARGS as prometheus-node-exporter.service passes it: EnvironmentFile's KEY="value", then `$ARGS` unquoted in
    ExecStart, which systemd splits at whitespace (systemd.service(5), "Command lines")."""
    for line in env_file_text.splitlines():
        if line.startswith("ARGS="):
            value = line[len("ARGS=") :]
            assert value[0] == value[-1] == '"', line
            return value[1:-1].split()
    raise AssertionError("no ARGS line in:\n" + env_file_text)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(host, port):
    try:
        with urllib.request.urlopen("http://%s:%d/metrics" % (host, port), timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(
    not shutil.which("prometheus-node-exporter"), reason="prometheus-node-exporter (Debian) is not installed"
)
def test_node_exporter_accepts_the_args_and_listens_on_that_address_only():
    port = free_port()
    # 127.0.0.2 stands for the instance's private address: another local address than the loopback one.
    words = systemd_words(
        render("prometheus-node-exporter.env.j2", __node_exporter_env_address="127.0.0.2", node_exporter_port=port)
    )
    assert "--web.listen-address=127.0.0.2:%d" % port in words
    proc = subprocess.Popen(["prometheus-node-exporter", *words], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while not answers("127.0.0.2", port) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            time.sleep(0.2)
        assert answers("127.0.0.2", port)
        assert not answers("127.0.0.1", port)
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("disabled", [[], ["zfs"]])
def test_disabled_collectors(disabled):
    words = systemd_words(
        render(
            "prometheus-node-exporter.env.j2",
            __node_exporter_env_address="127.0.0.1",
            node_exporter_disabled_collectors=disabled,
        )
    )
    assert [w for w in words if w.startswith("--no-collector.")] == ["--no-collector." + d for d in disabled]


@pytest.mark.parametrize(
    "home,boot_unit,expected",
    [
        ("/var/lib/jenkins", "jenkins-ha-boot.service", "--home /var/lib/jenkins --boot-unit jenkins-ha-boot.service"),
        ("", "jenkins-ha-boot.service", "jenkins_ha.prom --boot-unit jenkins-ha-boot.service"),
        ("", "", "jenkins_ha.prom\n"),
    ],
)
def test_facts_service_arguments(home, boot_unit, expected):
    text = render("service.j2", node_exporter_facts_jenkins_home=home, node_exporter_facts_boot_unit=boot_unit)
    exec_start = next(line for line in text.splitlines(keepends=True) if line.startswith("ExecStart="))
    assert expected in exec_start
    assert exec_start.startswith(
        "ExecStart=/usr/bin/python3 /usr/local/lib/jenkins-ha/jenkins_ha_node_facts.py "
        "--output /var/lib/prometheus/node-exporter/jenkins_ha.prom"
    )


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    facts = role_vars()["__node_exporter_facts_unit"]
    (tmp_path / (facts + ".service")).write_text(
        render("service.j2", node_exporter_facts_jenkins_home="/var/lib/jenkins")
    )
    (tmp_path / (facts + ".timer")).write_text(render("timer.j2"))
    # The drop-in, checked as a unit of its own carrying the lines it adds to Debian's unit.
    (tmp_path / "node-exporter-dropin.service").write_text(
        render("override.conf.j2") + "ExecStart=/usr/bin/prometheus-node-exporter $ARGS\n"
    )
    units = [str(tmp_path / n) for n in (facts + ".service", facts + ".timer", "node-exporter-dropin.service")]
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
