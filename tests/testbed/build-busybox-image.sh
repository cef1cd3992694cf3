#!/usr/bin/env bash
# Build a small test image offline from busybox-static: no registry is needed.
#   build-busybox-image.sh NAME [MARKER]
# MARKER is written to /etc/tprov-marker, so two builds with different markers are different images
# (used to prove that a container follows a re-imported tag).
set -euo pipefail
name=${1:-tprov-test/busybox:latest}
marker=${2:-}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
cp /bin/busybox "$root/bin/busybox"
for applet in sh ls cat echo sleep true false env id hostname ps wget nc kill grep; do
  ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
[ -n "$marker" ] && echo "$marker" >"$root/etc/tprov-marker"
tar --numeric-owner -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' - "$name" >/dev/null
echo "== built $name ($(docker image inspect --format '{{.Id}}' "$name" | cut -c1-19))"
