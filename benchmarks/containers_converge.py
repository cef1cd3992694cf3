"""Converge N containers with docker_api_container, then re-run it, and count Engine API requests.

Three figures per N (median of --repeat): the first converge (create + start), the idempotent re-run,
both as one ansible-playbook run with a loop over N (one module start per container), and the
Engine API requests an idempotent check of one container costs (counted by the client itself).
Run with the project's venv: .venv/bin/python benchmarks/containers_converge.py [--counts 1 5 20]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests'))
from tprov_testlib import COLLECTIONS_DIR, docker  # noqa: E402  (links the checkout as tprov.docker)

IMAGE = 'tprov-test/busybox:latest'


def playbook(prefix, count):
    task = {'name': 'containers', 'loop': list(range(count)),
            'tprov.docker.docker_api_container': {
                'name': '%s-{{ item }}' % prefix, 'image': IMAGE, 'command': 'sleep 3600',
                'env': {'INDEX': '{{ item }}'}, 'labels': {'tprov.bench': prefix},
                'memory': '32m', 'restart_policy': 'unless-stopped'}}
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}]


def run_play(path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
                           '-c', 'local', path], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-3000:])
    return elapsed


def requests_per_check(prefix):
    from ansible_collections.tprov.docker.plugins.module_utils.container_spec import ContainerRequest
    from ansible_collections.tprov.docker.plugins.module_utils.containers import ContainerService
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
    client = EngineClient.from_params({})
    client.api_version
    negotiated = client.request_count
    params = {'name': '%s-0' % prefix, 'image': IMAGE, 'command': 'sleep 3600', 'env': {'INDEX': '0'},
              'labels': {'tprov.bench': prefix}, 'memory': '32m', 'restart_policy': 'unless-stopped',
              'state': 'started', 'pull': 'missing'}
    plan = ContainerService(client).converge(ContainerRequest(params))[0]
    assert not plan.changed
    return client.request_count - negotiated, negotiated


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--counts', type=int, nargs='+', default=[1, 5, 20])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--output', help='append the markdown table to this file')
    args = parser.parse_args()
    lines = ['', '### docker_api_container in a playbook loop, median of %d (%s, %d cores, dockerd %s)' % (
        args.repeat, time.strftime('%Y-%m-%d'), os.cpu_count(),
        docker('version', '--format', '{{.Server.Version}}').stdout.strip()), '',
        '| containers | first converge (s) | idempotent re-run (s) | re-run per container (s) | requests per idempotent check |',
        '|---|---|---|---|---|']
    for count in args.counts:
        first, again, requests = [], [], None
        for _attempt in range(args.repeat):
            prefix = 'tprov-bench-%s' % uuid.uuid4().hex[:8]
            with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
                json.dump(playbook(prefix, count), handle)
            try:
                first.append(run_play(handle.name))
                again.append(run_play(handle.name))
                requests = requests_per_check(prefix)
            finally:
                ids = docker('ps', '-aq', '--filter', 'label=tprov.bench=%s' % prefix).stdout.split()
                if ids:
                    docker('rm', '-f', *ids)
                os.unlink(handle.name)
        rerun = statistics.median(again)
        lines.append('| %d | %.2f | %.2f | %.2f | %d (+%d to negotiate) |' % (
            count, statistics.median(first), rerun, rerun / count, requests[0], requests[1]))
    text = '\n'.join(lines) + '\n'
    print(text)
    if args.output:
        with open(args.output, 'a') as handle:
            handle.write(text)


if __name__ == '__main__':
    main()
