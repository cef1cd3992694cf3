#!/usr/bin/env bash
# One ansible-core version of the matrix (tests/matrix/run-matrix.sh): a venv with that ansible-core
# and only what the cells need, cached; then the unit tests and the integration tests that drive
# modules through ansible-playbook. Runs on this machine (Python 3.11) or inside the Debian 13 test
# host (its python3, 3.13) with the checkout and the cache bind-mounted at the same paths.
#   cell.sh VERSION RESULTS_FILE [venv-only]
# Appends "VERSION CELL passed|FAILED SECONDS" lines to RESULTS_FILE; logs go next to it.
# TPROV_MATRIX_PYTHON: the venv's Python; TPROV_MATRIX_MOLECULE=1: Molecule into the venv too;
# TPROV_MATRIX_TARGET_ENGINE: the engine that runs Molecule's target hosts (default: DOCKER_HOST);
# TPROV_MATRIX_SANITY=1: ansible-test sanity too.
set -uo pipefail
version=$1; results=$2; mode=${3:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${TPROV_MATRIX_CACHE:-/var/tmp/tprov-matrix}
python=${TPROV_MATRIX_PYTHON:-python3}
logs=$(dirname "$results")

# The cells' packages at the pins of requirements.txt (the one pinned set), except ansible-core and
# resolvelib (ansible-core < 2.19 wants resolvelib < 1.1); molecule only where the cell runs
# Molecule from this venv (the Debian 13 host).
packages=(ansible-core=="$version" cryptography requests requests-unixsocket pytest)
[ -n "${TPROV_MATRIX_MOLECULE:-}" ] && packages+=(molecule)
constraints=$(grep -v -e '^ansible-core==' -e '^resolvelib==' "$root/requirements.txt")
pyver=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
key=$(printf '%s\n' "$pyver" "${packages[@]}" "$constraints" | sha1sum | cut -c1-10)
venv=$cache/venvs/ansible-core-$version-py$pyver-$key

make_venv() {
  [ -f "$venv/.ready" ] && return 0
  # A half-built one, or the same version's venvs of older requirements.
  rm -rf "$venv" "$cache/venvs/ansible-core-$version-py$pyver-"* && mkdir -p "$cache/venvs" || return 1
  printf '%s\n' "$constraints" >"$cache/constraints-$key.txt"
  # pip from its wheel (no ensurepip / python3-venv needed on the Debian host image).
  local wheels=("$cache"/pip/pip-*.whl); local wheel=${wheels[-1]}
  "$python" -m venv --without-pip "$venv" &&
    "$venv/bin/python" "$wheel/pip" install -q --no-index "$wheel" &&
    "$venv/bin/python" -m pip install -q -c "$cache/constraints-$key.txt" "${packages[@]}" &&
    touch "$venv/.ready"
}

cell() {
  local name=$1; shift
  local start; start=$(date +%s)
  if "$@" >"$logs/$version-$name.log" 2>&1; then status=passed; else status=FAILED; fi
  echo "$version $name $status $(( $(date +%s) - start ))" >>"$results"
  [ "$status" = passed ] || tail -40 "$logs/$version-$name.log" >&2
}

exec 9>"$cache/venvs.lock"
flock 9
cell venv make_venv
flock -u 9
grep -q "^$version venv passed" "$results" || exit 1
[ "$mode" = venv-only ] && exit 0

cd "$root" || exit 1
pytest=("$venv/bin/python" -m pytest -q -p no:cacheprovider)
cell unit "${pytest[@]}" tests/unit
# The integration tests that run modules through ansible-playbook, both ways (in-process and process).
mapfile -t playbook_tests < <("$venv/bin/python" tests/matrix/playbook_tests.py "$root")
cell integration env TPROV_VENV="$venv" "${pytest[@]}" "${playbook_tests[@]}"
# ansible-test sanity of this ansible-core (the newest: run-matrix.sh asks for it), with this venv's Python.
if [ -n "${TPROV_MATRIX_SANITY:-}" ]; then
  # Its HOME in the cache: ansible-test keeps its sanity venvs there between runs.
  cell sanity env HOME="$cache/sanity-home" TPROV_VENV="$venv" "$root/scripts/run-sanity"
fi

# Molecule: the default scenario (secure-docker.yml on a fresh Debian 12 host over SSH), its converge
# and idempotence as cells. Molecule comes from this venv where installed (Debian 13 host), else from
# the project venv with this venv's ansible-playbook first on PATH (Molecule runs ansible-playbook
# as a command and imports nothing of ansible-core).
molecule=$venv/bin/molecule
[ -x "$molecule" ] || molecule=$TPROV_VENV/bin/molecule
ephemeral=$root/tests/output/matrix/molecule-$version
rm -rf "$ephemeral" && mkdir -p "$ephemeral"
collections_dir=$("$venv/bin/python" -c \
  'import sys; sys.path.insert(0, "tests"); import tprov_testlib; print(tprov_testlib.COLLECTIONS_DIR)')
run_id=mx$(printf '%s' "$version" | tr -dc 0-9)$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
molecule_step() {
  (cd "$root/tests" && PATH="$venv/bin:$PATH" TPROV_RUN_ID="$run_id" TPROV_COLLECTIONS_DIR="$collections_dir" \
    TPROV_HOST_IMAGE=tprov-test/docker-host:bookworm MOLECULE_EPHEMERAL_DIRECTORY="$ephemeral" \
    DOCKER_HOST=${TPROV_MATRIX_TARGET_ENGINE:-${DOCKER_HOST:-unix:///var/run/docker.sock}} \
    ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1 "$molecule" "$1" -s default)
}
# The target host goes away whatever happens from here on (also on interrupt).
trap 'molecule_step destroy >"$logs/$version-destroy.log" 2>&1' EXIT
molecule_converge() { molecule_step create && molecule_step prepare && molecule_step converge &&
                      grep -q "core $version\]" "$logs/$version-converge.log"; }
cell converge molecule_converge
if grep -q "^$version converge passed" "$results"; then
  cell idempotence molecule_step idempotence
else
  echo "$version idempotence FAILED 0" >>"$results"
fi
