#!/usr/bin/env bash
# Derive, offline, a test host with the Red Hat family's layout from the Debian 12 host image
# (tests/testbed/build-host-image.sh): Rocky Linux 9's /etc/os-release and /etc/redhat-release, so
# Ansible's facts say os_family RedHat and the daemon role takes vars/RedHat.yml; the docker.service
# text Fedora's moby-engine package ships (EnvironmentFile=-/etc/sysconfig/docker, dockerd $OPTIONS),
# at /usr/lib/systemd/system/docker.service; and that package's /etc/sysconfig/docker, OPTIONS
# continued over several lines as Fedora writes it.
#   build-redhat-layout-image.sh [NAME] [BASE]
#     defaults: tprov-test/docker-host:rocky-layout tprov-test/docker-host:bookworm
# It is the LAYOUT only: the userland, dockerd (docker.io 20.10) and the package manager stay
# Debian's. No rpm, dnf or yum is faked: a task that would install a package there fails as it would
# on any host without that package manager.
# The image carries a label with a hash of this script and of the base image's ID: an image with the
# same hash is reused (one build per run, a few seconds), a new base or script rebuilds it.
set -euo pipefail
name=${1:-tprov-test/docker-host:rocky-layout}
base=${2:-tprov-test/docker-host:bookworm}
base_id=$(docker image inspect --format '{{ .Id }}' "$base" 2>/dev/null) || {
  echo "build-redhat-layout-image: $base is missing; build it first (tests/testbed/build-host-image.sh)" >&2; exit 1; }
recipe=$(printf '%s\n' "$base_id" "$(sha256sum "$0" | cut -c1-64)" | sha256sum | cut -c1-16)

if [ "$(docker image inspect --format '{{ index .Config.Labels "tprov.recipe" }}' "$name" 2>/dev/null || true)" = "$recipe" ]; then
  echo "== reusing $name (recipe $recipe)"
  exit 0
fi

context=$(mktemp -d /var/tmp/tprov-rocky-layout.XXXXXX)
trap 'rm -rf "$context"' EXIT
start=$(date +%s)

cat >"$context/os-release" <<'EOF'
NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
BUG_REPORT_URL="https://bugs.rockylinux.org/"
SUPPORT_END="2032-05-31"
ROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"
ROCKY_SUPPORT_PRODUCT_VERSION="9.4"
REDHAT_SUPPORT_PRODUCT="Rocky Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
EOF
echo 'Rocky Linux release 9.4 (Blue Onyx)' >"$context/rocky-release"

# The unit of Fedora's moby-engine: flags from $OPTIONS in /etc/sysconfig/docker, the
# systemd cgroup driver, socket activation (docker.socket, which Debian's package has too).
cat >"$context/docker.service" <<'EOF'
[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target firewalld.service containerd.service
Wants=network-online.target containerd.service
Requires=docker.socket

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/docker
ExecStart=/usr/bin/dockerd \
          --host=fd:// \
          --exec-opt native.cgroupdriver=systemd \
          $OPTIONS
ExecReload=/bin/kill -s HUP $MAINPID
LimitNOFILE=1048576
LimitNPROC=1048576
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Delegate=yes
KillMode=process
Restart=on-failure
StartLimitBurst=3
StartLimitIntervalSec=60s

[Install]
WantedBy=multi-user.target
EOF

# moby-engine's /etc/sysconfig/docker: the operator's flags the role must keep (and the hardened
# daemon.json defaults they decide: log-driver and live-restore are set here).
cat >"$context/sysconfig-docker" <<'EOF'
# /etc/sysconfig/docker

# Modify these options if you want to change the way the docker daemon runs
OPTIONS="--selinux-enabled \
  --log-driver=journald \
  --live-restore \
  --default-ulimit nofile=1024:1024 \
  --init-path /usr/libexec/docker/docker-init \
  --userland-proxy-path /usr/libexec/docker/docker-proxy \
"
EOF

# /lib is /usr/lib on bookworm: Debian's unit is the file replaced here. Red Hat has no
# /etc/default/docker; its binaries are where the moby-engine unit and OPTIONS name them.
cat >"$context/Dockerfile" <<EOF
FROM $base
COPY os-release /usr/lib/os-release
COPY rocky-release /etc/rocky-release
COPY docker.service /usr/lib/systemd/system/docker.service
COPY sysconfig-docker /etc/sysconfig/docker
RUN ln -sf rocky-release /etc/redhat-release && ln -sf rocky-release /etc/system-release \\
 && rm -f /etc/default/docker \\
 && ln -s /usr/sbin/dockerd /usr/bin/dockerd \\
 && mkdir -p /usr/libexec/docker \\
 && ln -s /usr/bin/docker-init /usr/libexec/docker/docker-init \\
 && ln -s /usr/sbin/docker-proxy /usr/libexec/docker/docker-proxy \\
 && chmod 0644 /usr/lib/os-release /etc/rocky-release /usr/lib/systemd/system/docker.service /etc/sysconfig/docker
LABEL tprov.recipe=$recipe tprov.suite=rocky-layout
EOF
# The classic builder: it takes the local base image as it is and never asks a registry.
DOCKER_BUILDKIT=0 docker build -q -t "$name" "$context" >"$context.log" 2>&1 || { cat "$context.log" >&2; rm -f "$context.log"; exit 1; }
rm -f "$context.log"
echo "== built $name from $base in $(( $(date +%s) - start ))s (recipe $recipe)"
