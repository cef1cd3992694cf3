#!/usr/bin/env bash
# Build, offline from Debian's archive, the throwaway "Docker host" the roles are tested on: a
# Debian rootfs with systemd as PID 1, docker.io (its dockerd is what the daemon role reconfigures),
# Python for Ansible and an SSH server (Ansible reaches it like a real machine).
#   build-host-image.sh [NAME] [SUITE]     defaults: tprov-test/docker-host:bookworm bookworm
# The image carries a label with a hash of this recipe; an image with the same hash is reused, so
# one CI run builds it once (about 70 s) and every scenario after that starts in seconds.
set -euo pipefail
suite=${2:-bookworm}
name=${1:-tprov-test/docker-host:$suite}
mirror=${TPROV_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=systemd,systemd-sysv,dbus,iproute2,procps,python3,python3-apt,ca-certificates,docker.io,openssh-server,passwd
recipe=$(printf '%s\n' "$suite" "$packages" "$(sha256sum "$0" | cut -c1-64)" | sha256sum | cut -c1-16)

if [ "$(docker image inspect --format '{{ index .Config.Labels "tprov.recipe" }}' "$name" 2>/dev/null || true)" = "$recipe" ]; then
  echo "== reusing $name (recipe $recipe)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-host-image: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }

root=$(mktemp -d /var/tmp/tprov-host-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "== debootstrap $suite with systemd and docker.io (about a minute)"
start=$(date +%s)
debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

# A container gets its machine id from systemd at boot; a baked-in one would be shared.
: >"$root/etc/machine-id"
# Nothing should change the host behind the tests' back, and nothing should wait for hardware.
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer getty@tty1.service \
            systemd-remount-fs.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# docker.io's package enables the unit in the chroot; make sure it starts at boot (a "local-only
# dockerd", the state secure-docker.yml starts from) and that sshd does too.
ln -sf /lib/systemd/system/docker.service "$root/etc/systemd/system/multi-user.target.wants/docker.service"
ln -sf /lib/systemd/system/ssh.service "$root/etc/systemd/system/multi-user.target.wants/ssh.service"
# Nested in a container, dockerd 26+ cannot turn IPv6 off on its containers' interfaces (the
# sysctl is read-only here) and refuses to start them unless told to go on; a testbed quirk, not
# a setting users need. (Debian's unit reads /etc/default/docker; dockerd 20.10 ignores it.)
printf '%s\n' '# Testbed: nested dockerd cannot disable IPv6 on container interfaces.' \
  'DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1' >>"$root/etc/default/docker"
mkdir -p "$root/root/.ssh" && chmod 700 "$root/root/.ssh"
sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin prohibit-password/' "$root/etc/ssh/sshd_config"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'CMD ["/sbin/init"]' --change 'ENV container=docker' \
  --change "LABEL tprov.recipe=$recipe" --change "LABEL tprov.suite=$suite" - "$name" >/dev/null
echo "== built $name in $(( $(date +%s) - start ))s (recipe $recipe)"
