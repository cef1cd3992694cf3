#!/usr/bin/env bash
# The ansible-core matrix (scripts/test-all matrix): every minor release from the lowest supported
# to the newest on PyPI, each in its own cached venv (tests/matrix/cell.sh): unit tests, the
# integration tests that run modules through ansible-playbook (in-process and process path), and
# Molecule's converge + idempotence of secure-docker.yml (the default scenario). 2.16-2.19 run on
# this machine's Python; 2.20 and newer need Python 3.12+, so they run on Python 3.13 inside the
# Debian 13 test host (tests/testbed/run-integration-on.sh), whose own dockerd 26.1 is then the
# engine of the integration tests; Molecule's targets start on this machine's engine either way.
# Prints the table version x cell; fails when any cell fails.
#   run-matrix.sh [VERSION ...]      default: all of HOST_VERSIONS and TRIXIE_VERSIONS
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export TPROV_VENV=${TPROV_VENV:-$root/.venv}
export TPROV_MATRIX_CACHE=${TPROV_MATRIX_CACHE:-/var/tmp/tprov-matrix}
cache=$TPROV_MATRIX_CACHE

# The newest patch release of each minor, pinned so a run is reproducible. requires_ansible in
# meta/runtime.yml and TESTED_CORE in plugins/plugin_utils/in_process.py follow this list.
HOST_VERSIONS=(2.16.19 2.17.14 2.18.19 2.19.14)
TRIXIE_VERSIONS=(2.20.10 2.21.5)
PIP_WHEEL_VERSION=26.3  # installs each venv's pip (Debian's python3 has no ensurepip)

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${HOST_VERSIONS[@]}" "${TRIXIE_VERSIONS[@]}")
selected() { local v; for v in "${wanted[@]}"; do [ "$v" = "$1" ] && return 0; done; return 1; }

out=$root/tests/output/matrix
rm -rf "$out" && mkdir -p "$out" "$cache/pip"
results=$out/results.txt
: >"$results"
if ! ls "$cache/pip/pip-$PIP_WHEEL_VERSION-py3-none-any.whl" >/dev/null 2>&1; then
  "$TPROV_VENV/bin/python" -m pip download -q --no-deps --only-binary=:all: -d "$cache/pip" \
    "pip==$PIP_WHEEL_VERSION" || exit 1
fi
"$root/tests/testbed/ensure-engine.sh" >/dev/null || exit 1
docker image inspect tprov-test/busybox:latest >/dev/null 2>&1 ||
  "$root/tests/testbed/build-busybox-image.sh" tprov-test/busybox:latest || exit 1
"$root/tests/testbed/build-host-image.sh" tprov-test/docker-host:bookworm bookworm || exit 1

# This machine's Python: the one the project venv was made from.
host_python=$("$TPROV_VENV/bin/python" -c 'import os, sys; print(os.path.join(sys.base_prefix, "bin", "python3"))')
for version in "${HOST_VERSIONS[@]}"; do
  selected "$version" || continue
  echo "== ansible-core $version (Python $("$host_python" -c 'import platform; print(platform.python_version())'))"
  TPROV_MATRIX_PYTHON=$host_python "$root/tests/matrix/cell.sh" "$version" "$results"
done

trixie=()
for version in "${TRIXIE_VERSIONS[@]}"; do selected "$version" && trixie+=("$version"); done
if [ ${#trixie[@]} -gt 0 ]; then
  echo "== ansible-core ${trixie[*]} (Debian 13's python3, inside tprov-test/docker-host:trixie)"
  # Inside: the venv cache, this machine's CA bundle for pip, this machine's engine for Molecule,
  # and git's directory where it lies outside the checkout (a git worktree), for run-sanity.
  mounts="$cache:$cache /etc/ssl/certs/ca-certificates.crt:/run/tprov-host/ca.crt:ro"
  mounts+=" /var/run/docker.sock:/run/tprov-host/docker.sock"
  git_dir=$(cd "$root" && git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)
  case $git_dir in ""|"$root"/*) ;; *) mounts+=" $git_dir:$git_dir:ro" ;; esac
  # ansible-test sanity on the newest: it wants git, shellcheck and a venv with ensurepip there.
  newest_listed=${TRIXIE_VERSIONS[-1]}
  # pip.conf, not PIP_CERT: ansible-test passes its pip runs a cleaned environment.
  TPROV_HOST_MOUNTS=$mounts \
  TPROV_HOST_COMMAND="printf '%s\n' '[global]' 'cert = /run/tprov-host/ca.crt' >/etc/pip.conf
    export TPROV_MATRIX_CACHE=$cache TPROV_MATRIX_PYTHON=/usr/bin/python3 \
      TPROV_MATRIX_MOLECULE=1 TPROV_MATRIX_TARGET_ENGINE=unix:///run/tprov-host/docker.sock
    for version in ${trixie[*]}; do echo \"== ansible-core \$version (\$(python3 -V))\";
      if [ \$version = $newest_listed ]; then
        export TPROV_MATRIX_SANITY=1
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
          git shellcheck python3-venv >/dev/null && git config --system --add safe.directory $root
      fi
      tests/matrix/cell.sh \$version $results; done" \
  "$root/tests/testbed/run-integration-on.sh" trixie /dev/null
  for version in "${trixie[@]}"; do grep -q "^$version " "$results" || echo "$version venv FAILED 0" >>"$results"; done
fi

# Is there a newer minor on PyPI than the list above? (A notice: the list is pinned on purpose.)
newest=$("$TPROV_VENV/bin/python" -m pip index versions ansible-core --python-version 3.13 --only-binary=:all: \
  2>/dev/null | sed -n 's/^ansible-core (\(.*\))$/\1/p')

"$TPROV_VENV/bin/python" - "$results" "${wanted[*]}" "${newest:-unknown}" "${TRIXIE_VERSIONS[-1]}" <<'PY'
import sys
path, wanted, newest, listed = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4]
cells = ('venv', 'unit', 'integration', 'converge', 'idempotence', 'sanity')
newest_listed = wanted[-1] if wanted[-1] == listed else None  # sanity runs there only
rows = {}
for line in open(path):
    version, cell, status, seconds = line.split()
    rows.setdefault(version, {})[cell] = (status, int(seconds))
print('\nansible-core matrix (seconds per cell)')
print('%-9s ' % 'version' + ' '.join('%-13s' % c for c in cells) + ' total')
bad = 0
for version in wanted:
    row = rows.get(version, {})
    text = []
    for cell in cells:
        if cell == 'sanity' and version != newest_listed:
            text.append('%-13s' % '-')
            continue
        status, seconds = row.get(cell, ('FAILED', 0))
        bad += status != 'passed'
        text.append('%-13s' % ('%s %ds' % ('ok' if status == 'passed' else 'FAILED', seconds)))
    print('%-9s ' % version + ' '.join(text) + ' %ds' % sum(s for _st, s in row.values()))
def minor(v):
    return tuple(int(p) for p in v.split('.')[:2])
if newest != 'unknown' and minor(newest) > minor(listed):
    print('NOTICE: PyPI has ansible-core %s, newer than the matrix (%s): add it to tests/matrix/run-matrix.sh'
          % (newest, listed))
sys.exit(1 if bad else 0)
PY
