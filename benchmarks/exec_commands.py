"""20 `command` tasks against one container: tprov.docker.docker_api vs community.docker.docker_api.

Both connection plugins, over the local engine's unix socket, in the same run, alternating A B A B,
with pipelining on and off; the median of --repeat runs of ansible-playbook (wall clock, which
includes ansible-playbook's start, the same for both). Run it with the Python of .venv-bench
(benchmarks/run makes it), which carries the ansible bundle (community.docker) and requests:

    .venv-bench/bin/python benchmarks/exec_commands.py --repeat 5

Prints a markdown table and writes it to benchmarks/results/exec_commands.md.
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
    inventory = os.path.join(workdir, 'inventory.yml')
    with open(inventory, 'w') as handle:
        handle.write('all:\n  hosts:\n    %s:\n      ansible_connection: %s\n'
                     '      ansible_python_interpreter: /usr/bin/python3\n' % (container, plugin))
    play = os.path.join(workdir, 'play.yml')
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--tasks', type=int, default=20)
    args = parser.parse_args()
    container = 'tprov-bench-exec-%s' % uuid.uuid4().hex[:8]
    subprocess.run(['docker', 'run', '-d', '--name', container, '--entrypoint', 'sleep', IMAGE, 'infinity'],
                   check=True, capture_output=True)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as workdir:
            for pipelining in (True, False):
                times = dict((plugin, []) for plugin in PLUGINS)
                for _round in range(args.repeat):
                    for plugin in PLUGINS:
                        times[plugin].append(run_once(workdir, container, plugin, pipelining, args.tasks))
                ours, theirs = (statistics.median(times[p]) for p in PLUGINS)
                rows.append('| %d `command` tasks, pipelining %s | %.2f s | %.2f s | %.2f |'
                            % (args.tasks, 'on' if pipelining else 'off', ours, theirs, ours / theirs))
    finally:
        subprocess.run(['docker', 'rm', '-f', container], capture_output=True, check=False)
    table = '\n'.join([
        '| one container, unix socket (median of %d) | tprov.docker.docker_api | community.docker.docker_api | '
        'ratio (lower is faster) |' % args.repeat, '|---|---|---|---|'] + rows) + '\n'
    print(table)
    os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
    with open(os.path.join(HERE, 'results', 'exec_commands.md'), 'w') as handle:
        handle.write(table)


if __name__ == '__main__':
    main()
