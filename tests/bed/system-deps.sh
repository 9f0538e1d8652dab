#!/usr/bin/env bash
# Installs the Debian packages the test bed needs (podman + runc for molecule, debootstrap for the container
# images, packer for the image pipeline, shellcheck for lint, a JDK for the Jenkins stand-in, Prometheus' promtool,
# Alertmanager's amtool and node exporter for the metrics tests) and the podman
# settings that let systemd containers start on these machines. Safe to run again: it does nothing when all is
# in place. Not root and something missing: it says what, and stops.
set -euo pipefail

packages=(podman runc debootstrap packer shellcheck openjdk-17-jdk-headless git make prometheus prometheus-alertmanager
  prometheus-node-exporter)
commands=(podman runc debootstrap packer shellcheck javac git make promtool amtool prometheus-node-exporter)

missing=()
for i in "${!commands[@]}"; do
  command -v "${commands[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Without both ulimits podman fails with "error setting rlimit type 7/6" here; crun is not installed, runc is.
conf=/etc/containers/containers.conf
if [ "$(id -u)" -eq 0 ] && ! grep -qs 'jenkins_ha test bed' "$conf"; then
  mkdir -p /etc/containers
  cat >"$conf" <<'CONF'
# jenkins_ha test bed: settings that let podman start systemd containers on these machines.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
CONF
fi
