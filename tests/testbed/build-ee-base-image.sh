#!/usr/bin/env bash
# Build, offline from Debian's archive, the base image the execution environment (ee/) is built on:
# a Debian 12 rootfs with Python 3, pip and venv (what ansible-builder's scripts call) and the SSH
# client (what Ansible reaches hosts with). No registry: debootstrap, then `docker import`.
#   build-ee-base-image.sh [NAME]     default: tprov-test/ee-base:bookworm
# Like build-host-image.sh, the image carries a hash of this recipe and is reused while it matches.
set -euo pipefail
name=${1:-tprov-test/ee-base:bookworm}
suite=bookworm
mirror=${TPROV_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=python3,python3-pip,python3-venv,ca-certificates,openssh-client
# CAs this machine trusts beyond Debian's (a TLS-inspecting egress proxy, say): the image build
# pip-installs from PyPI, so the image must trust them too. Part of the recipe: a new CA rebuilds.
mapfile -t local_cas < <(find /usr/local/share/ca-certificates -name '*.crt' -type f 2>/dev/null | sort)
recipe=$(printf '%s\n' "$suite" "$packages" "$(sha256sum "$0" | cut -c1-64)" \
  "$( [ ${#local_cas[@]} -eq 0 ] || cat "${local_cas[@]}" | sha256sum | cut -c1-64)" | sha256sum | cut -c1-16)

if [ "$(docker image inspect --format '{{ index .Config.Labels "tprov.recipe" }}' "$name" 2>/dev/null || true)" = "$recipe" ]; then
  echo "== reusing $name (recipe $recipe)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-ee-base-image: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }

root=$(mktemp -d /var/tmp/tprov-ee-root.XXXXXX)
trap 'rm -rf "$root" "$root.log"' EXIT
echo "== debootstrap $suite with python3, pip, venv and the SSH client (about a minute)"
start=$(date +%s)
debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2; exit 1; }

if [ ${#local_cas[@]} -gt 0 ]; then
  cp "${local_cas[@]}" "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
# ansible-builder drives the package manager as `$PKGMGR install -y PKG...` and `$PKGMGR clean all`
# (dnf's grammar); this adapter speaks it with apt-get, fetching package lists only when needed.
cat >"$root/usr/local/bin/ee-apt" <<'SH'
#!/bin/sh
# ansible-builder's package-manager calls (dnf grammar) done by apt-get.
set -e
export DEBIAN_FRONTEND=noninteractive
case "$1" in
  install)
    shift
    pkgs=$(for a in "$@"; do case "$a" in -*) ;; *) echo "$a" ;; esac; done)
    [ -n "$pkgs" ] || exit 0
    missing=$(for p in $pkgs; do dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || echo "$p"; done)
    [ -n "$missing" ] || exit 0
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing ;;
  clean) apt-get clean; rm -rf /var/lib/apt/lists/* ;;
  *) exec apt-get "$@" ;;
esac
SH
chmod 755 "$root/usr/local/bin/ee-apt"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
# Debian marks its Python as externally managed (PEP 668); in this single-purpose image pip installs
# into it, as ansible-builder's scripts expect.
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
  --change 'CMD ["/bin/bash"]' \
  --change "LABEL tprov.recipe=$recipe" --change "LABEL tprov.suite=$suite" - "$name" >/dev/null
echo "== built $name in $(( $(date +%s) - start ))s (recipe $recipe)"
