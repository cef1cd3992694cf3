"""100 containers declared in inventory, converged by the containers role on one host (this
machine's engine, over its local socket): the first converge creates them all, the re-run reports
changed=0. Both times go to tests/output/scale-report-<engine version>.json for the record (the
integration stage runs on Debian 12's dockerd 20.10 and on Debian 13's 26.1)."""

import json
import os
import time

from engine_bed import DOCKER_SOCK
from tprov_testlib import REPO_ROOT, docker

COUNT = 100


def test_hundred_declared_containers(busybox_image, unique_name, playbook, tmp_path):
    containers = [{'name': '%s-%03d' % (unique_name, i), 'image': busybox_image, 'command': ['sleep', '3600'],
                   'env': {'INDEX': str(i)}, 'memory': '16m', 'restart_policy': 'unless-stopped'}
                  for i in range(COUNT)]
    vars_file = tmp_path / 'vars.json'
    vars_file.write_text(json.dumps({'docker_containers': containers, 'docker_containers_prune': True,
                                     'docker_containers_docker_host': 'unix://' + DOCKER_SOCK}))
    play = ('- hosts: localhost\n  gather_facts: false\n  vars_files: [%s]\n'
            '  roles: [{role: tprov.docker.containers}]\n' % vars_file)
    start = time.perf_counter()
    rc, output, recap = playbook(play)
    first = time.perf_counter() - start
    assert rc == 0 and recap['changed'] == 1, output[-3000:]
    running = docker('ps', '-q', '--filter', 'name=%s-' % unique_name).stdout.split()
    assert len(running) == COUNT
    start = time.perf_counter()
    rc, output, recap = playbook(play)
    rerun = time.perf_counter() - start
    assert rc == 0 and recap['changed'] == 0, output[-3000:]
    version = docker('version', '--format', '{{.Server.Version}}').stdout.strip()
    engine = '%s (API %s)' % (version, docker('version', '--format', '{{.Server.APIVersion}}').stdout.strip())
    report = os.path.join(REPO_ROOT, 'tests', 'output', 'scale-report-%s.json' % version.split('+')[0])
    os.makedirs(os.path.dirname(report), exist_ok=True)
    with open(report, 'w') as handle:
        json.dump({'containers': COUNT, 'engine': engine, 'first_converge_s': round(first, 2),
                   'rerun_s': round(rerun, 2)}, handle, indent=2)
    print('100 containers on %s: first converge %.1f s, re-run %.1f s' % (engine, first, rerun))
