#!/usr/bin/env bash
# Make sure a Docker engine answers on /var/run/docker.sock, on a machine with or without systemd:
# install Debian's docker.io (and the tools the test images need) when missing, start dockerd in
# the background when nothing answers, and wait for GET /_ping.
set -euo pipefail
sock=/var/run/docker.sock
log=${TPROV_DOCKERD_LOG:-/var/log/tprov-dockerd.log}

ping_engine() { curl -sf --max-time 3 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1; }

need=()
command -v dockerd >/dev/null || need+=(docker.io)
# The test image copies /bin/busybox into an empty rootfs: only the static build runs there
# (Debian's plain busybox package is dynamically linked).
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || need+=(busybox-static)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v ip >/dev/null || need+=(iproute2)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
# ansible-test sanity runs shellcheck on the scripts; without it that test is skipped.
command -v shellcheck >/dev/null || need+=(shellcheck)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-engine: missing ${need[*]}; run as root (or: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
  echo "== installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ping_engine; then
  echo "== Docker engine answers on $sock"
  exit 0
fi
if [ -d /run/systemd/system ] && systemctl start docker 2>/dev/null; then
  :
else
  echo "== starting dockerd in the background (log: $log)"
  nohup dockerd >"$log" 2>&1 &
fi
for _ in $(seq 1 60); do
  if ping_engine; then
    echo "== Docker engine answers on $sock ($(dockerd --version))"
    exit 0
  fi
  sleep 1
done
echo "ensure-engine: dockerd did not answer on $sock within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
