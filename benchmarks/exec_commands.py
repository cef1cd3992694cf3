"""20 `command` tasks against one container: tprov.docker.docker_api vs community.docker.docker_api.

Both connection plugins, over the local engine's unix socket, in the same run, alternating A B, B A,
with pipelining on and off; the median of --repeat runs of ansible-playbook (wall clock, which
includes ansible-playbook's start, the same for both). benchmarks/compare.py runs it as its `exec`
section of benchmarks/results/comparison.md (`benchmarks/run --only exec`); run alone, with the
Python of .venv-bench (which carries the ansible bundle, community.docker, and requests), it only
prints the table:

    .venv-bench/bin/python benchmarks/exec_commands.py --repeat 5
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))
from tprov_testlib import COLLECTIONS_DIR  # noqa: E402  (links the checkout as tprov.docker)

IMAGE = 'tprov-test/docker-host:bookworm'
PLUGINS = ('tprov.docker.docker_api', 'community.docker.docker_api')


def playbook(tasks):
    lines = ['- hosts: all', '  gather_facts: false', '  tasks:']
    for number in range(tasks):
        lines += ['    - name: command %d' % number, '      ansible.builtin.command: "true"',
                  '      changed_when: false']
    return '\n'.join(lines) + '\n'


def run_once(workdir, container, plugin, pipelining, tasks):
    inventory = os.path.join(workdir, 'exec-inventory.yml')
    with open(inventory, 'w') as handle:
        handle.write('all:\n  hosts:\n    %s:\n      ansible_connection: %s\n'
                     '      ansible_python_interpreter: /usr/bin/python3\n' % (container, plugin))
    play = os.path.join(workdir, 'exec-play.yml')
    with open(play, 'w') as handle:
        handle.write(playbook(tasks))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_PIPELINING='1' if pipelining else '0', ANSIBLE_HOST_KEY_CHECKING='0')
    started = time.time()
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, play],
                          capture_output=True, text=True, env=env, check=False)
    seconds = time.time() - started
    if proc.returncode != 0 or 'ok=%d' % tasks not in proc.stdout:
        raise SystemExit('%s failed:\n%s%s' % (plugin, proc.stdout[-3000:], proc.stderr[-2000:]))
    return seconds


def bench_exec(workdir, repeat, tasks=20, progress=None):
    """{'on' | 'off': {plugin: median seconds}} for `tasks` command tasks, pipelining on and off."""
    container = 'tprov-bench-exec-%s' % uuid.uuid4().hex[:8]
    subprocess.run(['docker', 'run', '-d', '--name', container, '--entrypoint', 'sleep', IMAGE, 'infinity'],
                   check=True, capture_output=True)
    medians = {}
    try:
        for pipelining in (True, False):
            times = dict((plugin, []) for plugin in PLUGINS)
            for rep in range(repeat):
                order = PLUGINS if rep % 2 == 0 else tuple(reversed(PLUGINS))
                for plugin in order:
                    times[plugin].append(run_once(workdir, container, plugin, pipelining, tasks))
                if progress:
                    progress('  exec pipelining %s rep %d/%d' % ('on' if pipelining else 'off', rep + 1, repeat))
            medians['on' if pipelining else 'off'] = dict((p, statistics.median(times[p])) for p in PLUGINS)
    finally:
        subprocess.run(['docker', 'rm', '-f', container], capture_output=True, check=False)
    return medians


def table(medians, tasks):
    """The markdown table of bench_exec's result (ratio: tprov / community, lower is faster)."""
    lines = ['| %d `command` tasks, one container | tprov.docker.docker_api | community.docker.docker_api '
             '| ratio |' % tasks, '|---|---|---|---|']
    for mode in ('on', 'off'):
        ours, theirs = (medians[mode][p] for p in PLUGINS)
        lines.append('| pipelining %s | %.2f s | %.2f s | %.2f |' % (mode, ours, theirs, ours / theirs))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--tasks', type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        medians = bench_exec(workdir, args.repeat, args.tasks, progress=print)
    print('\n'.join(table(medians, args.tasks)))


if __name__ == '__main__':
    main()
