#!/usr/bin/env bash
# A venv for one test tool kept out of requirements.txt (ansible-runner, antsibull-docs): made once
# under /var/tmp, keyed by the pinned requirements, and reused; prints its directory.
#   tool-venv.sh NAME REQUIREMENT...      e.g. tool-venv.sh runner ansible-runner==2.4.3
set -euo pipefail
name=$1; shift
key=$(printf '%s\n' "$@" "$(python3 -c 'import sys; print(sys.version_info[:2])')" | sha256sum | cut -c1-12)
dir=${TPROV_TOOL_VENVS:-/var/tmp/tprov-tools}/$name-$key
if [ ! -x "$dir/.complete" ]; then
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install -q "$@" >"$dir/install.log" 2>&1 || {
    tail -20 "$dir/install.log" >&2; rm -rf "$dir"; echo "tool-venv: pip install $* failed" >&2; exit 1; }
  # Marks a finished install, so an interrupted one is redone rather than used.
  install -m 755 /dev/null "$dir/.complete"
fi
echo "$dir"
