#!/usr/bin/env bash
# Test-only stand-in for nfs-common's mount.nfs4, installed by molecule verify in the controller container (no NFS
# mount is possible there). mount(8) runs /sbin/mount.<type> for the fstab entry the efs_mount role wrote, as it
# would on an instance: this records the call and bind-mounts /srv/fake-efs/<file system id> (the "EFS server")
# on the mount point instead. Usage, as mount(8) calls it: mount.nfs4 SPEC DIR [-sfnvrw] [-o OPTIONS]
set -euo pipefail

spec="$1"
dir="$2"
shift 2
options=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    -o)
      options="$2"
      shift 2
      ;;
    *) shift ;;
  esac
done

printf 'spec=%s dir=%s options=%s\n' "$spec" "$dir" "$options" >>/var/log/fake-mount-nfs4.log
# fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/jenkins-home -> /srv/fake-efs/fs-0123456789abcdef0/jenkins-home:
# the exported path counts, and a missing one is refused, as an NFS server refuses it.
server="/srv/fake-efs/${spec%%.*}"
if [ ! -d "$server" ]; then
  echo "mount.nfs4: $spec: no such file system" >&2
  exit 32
fi
path="${spec#*:}"
server="${server}${path%/}"
if [ ! -d "$server" ]; then
  echo "mount.nfs4: mounting $spec failed, reason given by server: No such file or directory" >&2
  exit 32
fi
exec mount --bind "$server" "$dir"
