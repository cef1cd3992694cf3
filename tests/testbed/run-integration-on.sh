#!/usr/bin/env bash
# Run tests/integration against another generation of dockerd: inside a throwaway systemd host of
# the given Debian suite (tests/testbed/build-host-image.sh), whose own docker.io is the engine
# under test (Debian 13: dockerd 26.1, API 1.45). The checkout, the venv and its Python are bind-
# mounted at the same paths, so the very same tests and code run; the engine is the only change.
#   run-integration-on.sh SUITE JUNIT_XML [PYTEST ARGS...]      e.g. trixie tests/output/integration-trixie.xml
# With TPROV_HOST_COMMAND set, runs that shell command in the host instead of the tests (the
# ansible-core matrix, tests/matrix/run-matrix.sh), with TPROV_HOST_MOUNTS (docker run -v specs) added.
set -euo pipefail
suite=$1; junit=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${TPROV_VENV:-$root/.venv}
image=tprov-test/docker-host:$suite
name=tprov-it-$suite-$(printf '%s' "$root" | sha1sum | cut -c1-8)
"$root/tests/testbed/build-host-image.sh" "$image" "$suite"

python_home=$("$venv/bin/python" -c 'import sys; print(sys.base_prefix)')
docker_cli=$(command -v docker)
# Debian 13's systemd mounts a tmpfs on /tmp (tmp.mount), which would hide a checkout under /tmp:
# masked with /dev/null, so the bind mounts below stay visible wherever the checkout is.
mounts=(-v "$root:$root" -v "$python_home:$python_home:ro" -v "$docker_cli:/usr/local/bin/docker:ro"
        -v /bin/busybox:/bin/busybox:ro -v /dev/null:/etc/systemd/system/tmp.mount:ro)
case $venv in "$root"/*) ;; *) mounts+=(-v "$venv:$venv:ro") ;; esac
for spec in ${TPROV_HOST_MOUNTS:-}; do mounts+=(-v "$spec"); done

docker rm -f "$name" >/dev/null 2>&1 || true
trap 'docker rm -f -v "$name" >/dev/null 2>&1 || true' EXIT
# The flags of tests/testbed/target-hosts.yml: systemd as PID 1 in a container, its own dockerd.
docker run -d --name "$name" --hostname "$name" --cap-add SYS_ADMIN --cap-add NET_ADMIN \
  --security-opt seccomp=unconfined --security-opt systempaths=unconfined --cgroupns private --tmpfs /sys/fs/cgroup --tmpfs /run --tmpfs /run/lock \
  -v /var/lib/docker "${mounts[@]}" --stop-signal SIGRTMIN+3 "$image" /sbin/init >/dev/null

wait_engine() {
  for _ in $(seq 1 90); do
    docker exec "$name" docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    sleep 1
  done
  docker exec "$name" journalctl -u docker --no-pager | tail -20 >&2
  return 1
}
wait_engine
# The host has cgroup v1 with cpu and cpuacct as separate hierarchies; systemd in the container
# expects them co-mounted, fails, and leaves dockerd without CPU limits (cpus, cpu_shares). Mount
# them the host's way and restart dockerd, so the nested engine supports every option under test.
docker exec "$name" sh -c '
  if [ -e /sys/fs/cgroup/memory ] && [ ! -e /sys/fs/cgroup/cpu/cpu.shares ]; then
    mount -o remount,rw /sys/fs/cgroup && cd /sys/fs/cgroup &&
    for c in cpu cpuacct; do rm -f $c; mkdir -p $c; mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c; done &&
    mount -o remount,ro /sys/fs/cgroup && systemctl restart docker
  fi'
wait_engine
echo "== engine under test: $(docker exec "$name" docker version --format 'dockerd {{.Server.Version}} (API {{.Server.APIVersion}})')"
docker save tprov-test/busybox:latest | docker exec -i "$name" docker load -q
# A container with Python for the connection plugin's plays (tests/integration/test_connection_plugin.py).
docker save tprov-test/docker-host:bookworm | docker exec -i "$name" docker load -q
# DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE: the test bed's second (TLS) dockerd, nested, cannot turn IPv6
# off on its containers' interfaces (see build-host-image.sh).
if [ -n "${TPROV_HOST_COMMAND:-}" ]; then
  docker exec -w "$root" -e DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1 -e TPROV_VENV="$venv" "$name" \
    bash -c "$TPROV_HOST_COMMAND"
  exit
fi
docker exec -w "$root" -e DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1 -e TPROV_VENV="$venv" "$name" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$junit" "$@" tests/integration
