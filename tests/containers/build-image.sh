#!/usr/bin/env bash
# Builds a local systemd container image from a debootstrapped Debian (no registry is reachable here):
#   tests/containers/build-image.sh [bookworm|trixie]    -> localhost/jenkins-ha-debian12 | -debian13
# Skips the build when the image exists (set REBUILD=1 to force). Used by molecule and the Packer build host, which
# may ask for the same image at the same time: one build per image runs, the other callers wait for it.
set -euo pipefail

suite="${1:-bookworm}"
case "$suite" in
  bookworm) tag=debian12 ;;
  trixie) tag=debian13 ;;
  *) echo "unknown suite: $suite (bookworm|trixie)" >&2; exit 2 ;;
esac
image="localhost/jenkins-ha-${tag}"

if [ "${REBUILD:-0}" != 1 ] && podman image exists "$image"; then
  echo "$image exists"
  exit 0
fi

exec 9>"/var/tmp/jenkins-ha-build-image-${tag}.lock"
flock 9
# Built by another caller while this one waited for the lock.
if [ "${REBUILD:-0}" != 1 ] && podman image exists "$image"; then
  echo "$image exists"
  exit 0
fi

rootfs="$(mktemp -d /var/tmp/jenkins-ha-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
mirror="$(awk '/^deb / && /debian/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
if [ -z "$mirror" ]; then
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
fi
echo "debootstrap $suite from ${mirror:-the default mirror} ..."
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,iproute2,openssh-server,ca-certificates,gnupg \
  "$suite" "$rootfs" ${mirror:+"$mirror"} >/dev/null
# Containers have no console getty or udev to settle; those units only slow boot down or fail.
chroot "$rootfs" systemctl mask getty@tty1.service systemd-udevd.service systemd-udev-trigger.service \
  systemd-remount-fs.service >/dev/null 2>&1 || true
chroot "$rootfs" apt-get clean
tar -C "$rootfs" -c . | podman import --change 'CMD ["/sbin/init"]' - "$image" >/dev/null
echo "built $image"
