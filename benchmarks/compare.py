"""tprov.docker against community.docker / community.crypto, on the same engine, in alternation.

Run it through benchmarks/run (which makes .venv-bench with the `ansible` bundle, where the
community collections come from: no Galaxy needed). Measures, median of --repeat runs, A B A B:

  containers  N containers declared in inventory: community.docker.docker_container in a loop vs the
              tprov.docker.containers role (one docker_api_containers run); first converge and the
              idempotent re-run; the floor (ansible-playbook with one no-op task, plus the raw API
              checks from one Python process); Engine API requests per idempotent check, counted by a
              proxy on a unix socket (benchmarks/request_proxy.py) for both tools.
  pki         CA + server + client certificates: the community.crypto task chain vs docker_tls_cert,
              first run and re-run, ECDSA P-256 and RSA 4096.
  exec        20 `command` tasks in one container: the connection plugin tprov.docker.docker_api vs
              community.docker.docker_api over the unix socket, pipelining on and off
              (benchmarks/exec_commands.py).
  netvol      3 networks, 3 volumes and 20 containers on them: community.docker's three loops vs the
              containers role's one docker_api_containers run.
  fleet       playbooks/secure-docker.yml against 1, 3, 6 fresh throwaway systemd hosts per repetition
              (default forks), first run and re-run, against the floor play (become, min + network
              facts, one task) on the same hosts.

Writes benchmarks/results/comparison.md (and comparison.png with the containers). A run of some of
them (--only) replaces their sections of comparison.md and keeps the others' as they were.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))
sys.path.insert(0, HERE)
from tprov_testlib import COLLECTIONS_DIR  # noqa: E402  (links the checkout as tprov.docker)
from request_proxy import CountingProxy  # noqa: E402
from exec_commands import bench_exec, table as exec_table  # noqa: E402

IMAGE = 'tprov-test/busybox:latest'
BIN = os.path.dirname(sys.executable)
RESULTS = os.path.join(HERE, 'results')


def ansible_env(**extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_NOCOLOR='1',
               ANSIBLE_HOST_KEY_CHECKING='false', ANSIBLE_PIPELINING='true')
    env.update(extra)
    return env


def run_playbook(workdir, plays, inventory, env=None, extra=()):
    """ansible-playbook on a generated playbook and inventory; (seconds, stdout)."""
    play_path = os.path.join(workdir, 'play-%s.json' % uuid.uuid4().hex[:6])
    inv_path = os.path.join(workdir, 'inventory-%s.json' % uuid.uuid4().hex[:6])
    with open(play_path, 'w') as handle:
        json.dump(plays, handle)
    with open(inv_path, 'w') as handle:
        json.dump(inventory, handle)
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inv_path, play_path] + list(extra),
                          env=env or ansible_env(), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit('playbook failed:\n' + proc.stdout[-4000:] + proc.stderr[-2000:])
    return elapsed, proc.stdout


def with_cpu(run, *args, **kwargs):
    """(what ``run`` returns, CPU seconds): user + sys of the processes it started and waited for - for
    run_playbook, ansible-playbook with its workers and their ssh clients (not an SSH ControlMaster that
    outlives them)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run(*args, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def recap_changed(stdout):
    for line in stdout.splitlines():
        if 'changed=' in line and 'ok=' in line:
            return int(line.split('changed=')[1].split()[0])
    return None


def docker(*args):
    return subprocess.run(['docker'] + list(args), capture_output=True, text=True, check=False)


def remove_labelled(prefix):
    ids = docker('ps', '-aq', '--filter', 'label=tprov.bench=%s' % prefix).stdout.split()
    if ids:
        docker('rm', '-f', *ids)


# ---------------------------------------------------------------------------------------------
# Containers

def declared(prefix, count):
    return [{'name': '%s-%d' % (prefix, i), 'image': IMAGE, 'command': ['sleep', '3600'],
             'env': {'INDEX': str(i)}, 'labels': {'tprov.bench': prefix}, 'memory': '32m',
             'restart_policy': 'unless-stopped'} for i in range(count)]


def inventory_for(containers, docker_host):
    return {'docker_hosts': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
        'docker_containers': containers, 'docker_containers_docker_host': docker_host,
        'bench_docker_host': docker_host}}}}


COMMUNITY_PLAY = [{'name': 'community.docker loop', 'hosts': 'docker_hosts', 'gather_facts': False, 'tasks': [{
    'name': 'containers', 'loop': '{{ docker_containers }}', 'loop_control': {'label': '{{ item.name }}'},
    'community.docker.docker_container': {
        'docker_host': '{{ bench_docker_host }}', 'name': '{{ item.name }}', 'image': '{{ item.image }}',
        'command': '{{ item.command }}', 'env': '{{ item.env }}', 'labels': '{{ item.labels }}',
        'memory': '{{ item.memory }}', 'restart_policy': '{{ item.restart_policy }}', 'state': 'started'}}]}]
TPROV_PLAY = [{'name': 'tprov.docker containers role', 'hosts': 'docker_hosts', 'gather_facts': False,
               'roles': [{'role': 'tprov.docker.containers'}]}]
PROCESS_MODE = ('-e', 'tprov_docker_in_process=false')
NOOP_PLAY = [{'name': 'floor', 'hosts': 'docker_hosts', 'gather_facts': False,
              'tasks': [{'name': 'noop', 'ansible.builtin.meta': 'noop'}]}]


def raw_checks(containers):
    """The API calls an idempotent check needs, from one Python process (our client)."""
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
    start = time.perf_counter()
    client = EngineClient.from_params({})
    for spec in containers:
        client.get_json('/containers/%s/json' % spec['name'])
        client.get_json('/images/%s/json' % spec['image'])
    return time.perf_counter() - start


def first_and_rerun(workdir, tool, play, inventory, samples):
    """One first run and one re-run of the play, timed into samples['first'] / samples['rerun']; a re-run
    that changes anything is no idempotent re-run to time."""
    first, _out = run_playbook(workdir, play, inventory)
    rerun, out = run_playbook(workdir, play, inventory)
    if recap_changed(out) != 0:
        raise SystemExit('%s: the re-run changed something:\n%s' % (tool, out[-2000:]))
    samples['first'].append(first)
    samples['rerun'].append(rerun)


def bench_containers(workdir, counts, repeat, sock):
    tools = {'community.docker': COMMUNITY_PLAY, 'tprov.docker': TPROV_PLAY}
    rows = {}
    for count in counts:
        samples = dict((t, {'first': [], 'rerun': []}) for t in tools)
        samples['floor'] = {'rerun': []}
        samples['tprov.docker (process)'] = {'rerun': []}
        for rep in range(repeat):
            order = list(tools) if rep % 2 == 0 else list(reversed(list(tools)))
            for tool in order:
                prefix = 'bench-%s-%s' % ('c' if tool.startswith('community') else 't', uuid.uuid4().hex[:4])
                containers = declared(prefix, count)
                inventory = inventory_for(containers, 'unix:///var/run/docker.sock')
                try:
                    first_and_rerun(workdir, tool, tools[tool], inventory, samples[tool])
                    if tool == 'tprov.docker':
                        noop, _out = run_playbook(workdir, NOOP_PLAY, inventory)
                        samples['floor']['rerun'].append(noop + raw_checks(containers))
                        # The same re-run with the module as its own process (no in-process shortcut).
                        process, _out = run_playbook(workdir, tools[tool], inventory, extra=PROCESS_MODE)
                        samples['tprov.docker (process)']['rerun'].append(process)
                finally:
                    remove_labelled(prefix)
            print('  containers N=%d rep %d/%d' % (count, rep + 1, repeat), flush=True)
        rows[count] = dict((t, dict((k, statistics.median(v)) for k, v in s.items())) for t, s in samples.items())
    requests = count_requests(workdir, tools, sock)
    return rows, requests


# ---------------------------------------------------------------------------------------------
# Networks + volumes + containers, all declared in inventory

NETVOL_NETWORKS, NETVOL_VOLUMES = 3, 3


def netvol_declared(prefix, count):
    """Three user networks (one with a subnet), three volumes and COUNT containers, each on a network
    and mounting a volume: what an application's inventory declares."""
    networks = [{'name': '%s-net%d' % (prefix, i), 'labels': {'tprov.bench': prefix}} for i in range(NETVOL_NETWORKS)]
    networks[0]['ipam'] = {'config': [{'subnet': '10.251.%d.0/24' % (int(prefix[-4:], 16) % 250)}]}
    volumes = [{'name': '%s-vol%d' % (prefix, i), 'labels': {'tprov.bench': prefix}} for i in range(NETVOL_VOLUMES)]
    containers = declared(prefix, count)
    for i, container in enumerate(containers):
        container['networks'] = [{'name': networks[i % NETVOL_NETWORKS]['name']}]
        container['mounts'] = [{'source': volumes[i % NETVOL_VOLUMES]['name'], 'target': '/data', 'type': 'volume'}]
    return networks, volumes, containers


COMMUNITY_NETVOL_PLAY = [{'name': 'community.docker loops', 'hosts': 'docker_hosts', 'gather_facts': False, 'tasks': [
    {'name': 'networks', 'loop': '{{ docker_networks }}', 'loop_control': {'label': '{{ item.name }}'},
     'community.docker.docker_network': {
         'docker_host': '{{ bench_docker_host }}', 'name': '{{ item.name }}', 'labels': '{{ item.labels }}',
         'ipam_config': '{{ item.ipam.config | default(omit) }}'}},
    {'name': 'volumes', 'loop': '{{ docker_volumes }}', 'loop_control': {'label': '{{ item.name }}'},
     'community.docker.docker_volume': {
         'docker_host': '{{ bench_docker_host }}', 'name': '{{ item.name }}', 'labels': '{{ item.labels }}'}},
    {'name': 'containers', 'loop': '{{ docker_containers }}', 'loop_control': {'label': '{{ item.name }}'},
     'community.docker.docker_container': {
         'docker_host': '{{ bench_docker_host }}', 'name': '{{ item.name }}', 'image': '{{ item.image }}',
         'command': '{{ item.command }}', 'env': '{{ item.env }}', 'labels': '{{ item.labels }}',
         'memory': '{{ item.memory }}', 'restart_policy': '{{ item.restart_policy }}', 'state': 'started',
         'networks': '{{ item.networks }}', 'networks_cli_compatible': True, 'mounts': '{{ item.mounts }}'}}]}]


def remove_netvol(prefix):
    remove_labelled(prefix)
    for kind in ('network', 'volume'):
        names = docker(kind, 'ls', '-q', '--filter', 'label=tprov.bench=%s' % prefix).stdout.split()
        if names:
            docker(kind, 'rm', *names)


def bench_netvol(workdir, count, repeat):
    """networks + volumes + COUNT containers: community.docker's three module loops against the containers
    role's one module run, first run and re-run, in alternation."""
    tools = {'community.docker': COMMUNITY_NETVOL_PLAY, 'tprov.docker': TPROV_PLAY}
    samples = dict((t, {'first': [], 'rerun': []}) for t in tools)
    for rep in range(repeat):
        order = list(tools) if rep % 2 == 0 else list(reversed(list(tools)))
        for tool in order:
            prefix = 'bench-%s-%s' % ('c' if tool.startswith('community') else 't', uuid.uuid4().hex[:4])
            networks, volumes, containers = netvol_declared(prefix, count)
            inventory = inventory_for(containers, 'unix:///var/run/docker.sock')
            host = inventory['docker_hosts']['hosts']['localhost']
            host.update(docker_networks=networks, docker_volumes=volumes)
            try:
                first_and_rerun(workdir, tool, tools[tool], inventory, samples[tool])
            finally:
                remove_netvol(prefix)
        print('  networks+volumes+%d containers rep %d/%d' % (count, rep + 1, repeat), flush=True)
    return {'count': count, 'rows': dict((t, dict((k, statistics.median(v)) for k, v in s.items()))
                                         for t, s in samples.items())}


def count_requests(workdir, tools, sock):
    """Engine API requests of one idempotent container check, per tool, through the proxy."""
    counted = {}
    with CountingProxy(sock) as proxy:
        for tool, play in tools.items():
            prefix = 'bench-r%s' % uuid.uuid4().hex[:4]
            inventory = inventory_for(declared(prefix, 1), 'unix://' + sock)
            try:
                run_playbook(workdir, play, inventory)
                mark = proxy.mark()
                run_playbook(workdir, play, inventory)
                seen = proxy.since(mark)
            finally:
                remove_labelled(prefix)
            negotiation = [r for r in seen if r[2].endswith(('/version', '/_ping'))]
            counted[tool] = {'total': len(seen), 'negotiation': len(negotiation),
                             'paths': [r[1] + ' ' + r[2] for r in seen]}
    return counted


# ---------------------------------------------------------------------------------------------
# PKI

def community_pki_play(directory, key):
    def key_task(name):
        args = {'path': '%s/%s-key.pem' % (directory, name), 'mode': '0600'}
        args.update(key)
        return {'name': '%s key' % name, 'community.crypto.openssl_privatekey': args}

    def csr_task(name, extra):
        args = {'privatekey_path': '%s/%s-key.pem' % (directory, name)}
        args.update(extra)
        # A CSR made in memory reports changed every time; it writes nothing.
        return {'name': '%s csr' % name, 'community.crypto.openssl_csr_pipe': args, 'register': '%s_csr' % name,
                'changed_when': False}

    def cert_task(name, provider):
        args = {'path': '%s/%s.pem' % (directory, name), 'csr_content': '{{ %s_csr.csr }}' % name,
                'privatekey_path': '%s/%s-key.pem' % (directory, name), 'provider': provider}
        if provider == 'ownca':
            args.update(ownca_path='%s/ca.pem' % directory, ownca_privatekey_path='%s/ca-key.pem' % directory,
                        ownca_not_after='+365d')
        else:
            args['selfsigned_not_after'] = '+3650d'
        return {'name': '%s certificate' % name, 'community.crypto.x509_certificate': args}

    tasks = [
        key_task('ca'),
        csr_task('ca', {'common_name': 'bench CA', 'basic_constraints': ['CA:TRUE'],
                        'basic_constraints_critical': True, 'key_usage': ['keyCertSign', 'cRLSign'],
                        'key_usage_critical': True, 'use_common_name_for_san': False}),
        cert_task('ca', 'selfsigned'),
        key_task('server'),
        csr_task('server', {'common_name': 'docker1', 'subject_alt_name': ['DNS:docker1', 'IP:192.0.2.10',
                                                                           'IP:127.0.0.1'],
                            'extended_key_usage': ['serverAuth']}),
        cert_task('server', 'ownca'),
        key_task('client'),
        csr_task('client', {'common_name': 'admin', 'extended_key_usage': ['clientAuth'],
                            'use_common_name_for_san': False}),
        cert_task('client', 'ownca'),
    ]
    return [{'name': 'community.crypto chain', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]


def tprov_pki_play(directory, key):
    """What the pki role runs on the controller: one docker_tls_pki task for CA, server and client."""
    args = {'dir': directory, 'key_type': key['type'],
            'servers': [{'name': 'docker1', 'subject_alt_names': ['DNS:docker1', 'IP:192.0.2.10', 'IP:127.0.0.1']}],
            'clients': [{'name': 'admin'}]}
    if key['type'] == 'rsa':
        args['key_size'] = key['size']
    return [{'name': 'tprov.docker', 'hosts': 'localhost', 'gather_facts': False,
             'tasks': [{'name': 'PKI', 'tprov.docker.docker_tls_pki': args}]}]


KEY_TYPES = {
    'ECDSA P-256': ({'type': 'ECC', 'curve': 'secp256r1'}, {'type': 'ecdsa'}),
    'RSA 4096': ({'type': 'RSA', 'size': 4096}, {'type': 'rsa', 'size': 4096}),
}


def bench_pki(workdir, repeat):
    inventory = {'all': {'hosts': {'localhost': {'ansible_connection': 'local',
                                                 'ansible_python_interpreter': sys.executable}}}}
    rows = {}
    for label, (community_key, tprov_key) in KEY_TYPES.items():
        samples = {'community.crypto': {'first': [], 'rerun': []}, 'tprov.docker': {'first': [], 'rerun': []},
                   'tprov.docker (process)': {'first': [], 'rerun': []}}
        for rep in range(repeat):
            order = list(samples) if rep % 2 == 0 else list(reversed(list(samples)))
            for tool in order:
                directory = tempfile.mkdtemp(dir=workdir)
                play = (community_pki_play if tool == 'community.crypto' else tprov_pki_play)(
                    directory, community_key if tool == 'community.crypto' else tprov_key)
                extra = PROCESS_MODE if tool.endswith('(process)') else ()
                first, _out = run_playbook(workdir, play, inventory, extra=extra)
                rerun, out = run_playbook(workdir, play, inventory, extra=extra)
                if recap_changed(out) != 0:
                    raise SystemExit('%s PKI re-run changed something:\n%s' % (tool, out[-2000:]))
                samples[tool]['first'].append(first)
                samples[tool]['rerun'].append(rerun)
                shutil.rmtree(directory)
            print('  pki %s rep %d/%d' % (label, rep + 1, repeat), flush=True)
        rows[label] = dict((t, dict((k, statistics.median(v)) for k, v in s.items())) for t, s in samples.items())
    return rows


# ---------------------------------------------------------------------------------------------
# Fleet

# The floor a secure-docker.yml re-run is held to (issue 20): the same hosts, become, the facts the roles
# need, one task - what any play on these hosts costs before it does anything.
FLOOR_PLAY = [{'name': 'floor', 'hosts': 'docker_hosts', 'become': True, 'gather_facts': True,
               'gather_subset': ['min', 'network'], 'tasks': [{'name': 'one task', 'ansible.builtin.debug': {
                   'msg': 'floor'}}]}]


def fleet_hosts(names, key, env, state='present'):
    extra = {'tprov_target_names': names, 'tprov_target_key': key}
    extra.update({'tprov_target_label': 'bench'} if state == 'present' else {'tprov_target_state': 'absent'})
    return subprocess.run([os.path.join(BIN, 'ansible-playbook'), os.path.join(ROOT, 'tests/testbed/target-hosts.yml'),
                           '-e', json.dumps(extra)], env=env, check=state == 'present', capture_output=True)


def fleet_inventory(workdir, names, key, archive):
    hosts = {}
    for name in names:
        address = docker('inspect', '--format', '{{.NetworkSettings.IPAddress}}', name).stdout.strip()
        hosts[name] = {'ansible_host': address, 'ansible_user': 'root', 'ansible_ssh_private_key_file': key,
                       'ansible_ssh_common_args': '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
                       'ansible_python_interpreter': '/usr/bin/python3'}
    pki = tempfile.mkdtemp(dir=workdir)
    return {'docker_hosts': {'hosts': hosts, 'vars': {
        'docker_pki_dir': pki, 'docker_client_bundles': [
            {'name': 'admin', 'user': 'root', 'host': 'localhost', 'dir': os.path.join(pki, 'dot-docker')}],
        'docker_images': [{'name': 'tprov-test/busybox', 'tag': 'latest', 'source': 'load', 'load_path': archive}],
        'docker_containers': [dict(c, labels={}) for c in declared('app', 2)]}}}


def bench_fleet(workdir, sizes, repeat):
    """secure-docker.yml's first run and idempotent re-run against the floor play, on SIZE fresh
    throwaway systemd hosts per repetition (a first run needs hosts nobody secured yet); the re-run and
    the floor alternate on the same hosts."""
    key = os.path.join(workdir, 'id_ed25519')
    archive = os.path.join(workdir, 'busybox.tar')
    docker('save', '-o', archive, IMAGE)
    plays = [{'ansible.builtin.import_playbook': os.path.join(ROOT, 'playbooks', 'secure-docker.yml')}]
    env = ansible_env()
    rows = {}
    for size in sizes:
        samples = dict((key, []) for key in ('first', 'rerun', 'floor', 'first_cpu', 'rerun_cpu', 'floor_cpu'))
        for rep in range(repeat):
            names = ['tprov-bench-host-%d' % i for i in range(size)]
            fleet_hosts(names, key, env)
            try:
                inventory = fleet_inventory(workdir, names, key, archive)
                (first, _out), cpu = with_cpu(run_playbook, workdir, plays, inventory)
                samples['first'].append(first)
                samples['first_cpu'].append(cpu)
                for turn in ('rerun', 'floor') if rep % 2 == 0 else ('floor', 'rerun'):
                    (elapsed, out), cpu = with_cpu(run_playbook, workdir, plays if turn == 'rerun' else FLOOR_PLAY,
                                                   inventory)
                    if turn == 'rerun' and recap_changed(out) != 0:
                        raise SystemExit('fleet re-run changed something:\n%s' % out[-3000:])
                    samples[turn].append(elapsed)
                    samples[turn + '_cpu'].append(cpu)
            finally:
                fleet_hosts(names, key, env, state='absent')
            print('  fleet %d hosts rep %d/%d: first %.1fs, re-run %.1fs, floor %.1fs' % (
                size, rep + 1, repeat, samples['first'][-1], samples['rerun'][-1], samples['floor'][-1]), flush=True)
        rows[size] = dict((k, statistics.median(v)) for k, v in samples.items())
    return rows


# ---------------------------------------------------------------------------------------------
# Report

def machine():
    cpu = 'unknown CPU'
    try:
        with open('/proc/cpuinfo') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except IOError:
        pass
    server = docker('version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})').stdout.strip()
    return '%d cores (%s), %s %s, Python %s, dockerd %s' % (
        os.cpu_count(), cpu, platform.system(), platform.release(), platform.python_version(), server)


def ratio(a, b):
    return a / b if b else float('nan')


# The sections of comparison.md, in order, and their headings: a run of some of them (--only) finds
# the others' sections by heading and keeps them.
SECTIONS = ('containers', 'netvol', 'pki', 'exec', 'fleet')
HEADINGS = {
    'containers': '## Containers declared in inventory',
    'netvol': '## Networks, volumes and containers declared in inventory',
    'pki': '## PKI: CA + server + client certificates',
    'exec': '## Connection plugin: `command` tasks in one container',
    'fleet': '## secure-docker.yml on a fleet of throwaway systemd hosts (default forks: 5)',
}


def containers_section(containers, requests):
    lines = [HEADINGS['containers'], '',
             'community.docker: `docker_container` in a loop. tprov.docker: the `containers` role (one '
             '`docker_api_containers` run, in the worker process since the task runs on the controller). Floor: '
             '`ansible-playbook` with one no-op task plus the raw API checks (2 requests per container) from one '
             'Python process. Last column: the tprov re-run with `tprov_docker_in_process=false` (the module as '
             'its own process, as on a remote host).', '',
             '| N | first: community | first: tprov | ratio | re-run: community | re-run: tprov | ratio '
             '| floor | tprov / floor | re-run: tprov as a process |', '|---|---|---|---|---|---|---|---|---|---|']
    for count, row in sorted(containers.items()):
        c, t, f = row['community.docker'], row['tprov.docker'], row['floor']
        p = row['tprov.docker (process)']
        lines.append('| %d | %.2f s | %.2f s | %.2f | %.2f s | %.2f s | %.3f | %.2f s | %.2f | %.2f s (%.2fx floor) |' % (
            count, c['first'], t['first'], ratio(t['first'], c['first']), c['rerun'], t['rerun'],
            ratio(t['rerun'], c['rerun']), f['rerun'], ratio(t['rerun'], f['rerun']), p['rerun'],
            ratio(p['rerun'], f['rerun'])))
    lines += ['', '### Engine API requests of one idempotent container check (counting proxy)', '',
              '| tool | requests | of which version negotiation | requests |', '|---|---|---|---|']
    for tool, info in requests.items():
        paths = ', '.join('`%s`' % p for p in info['paths'])
        lines.append('| %s | %d | %d | %s |' % (tool, info['total'], info['negotiation'], paths))
    return lines + ['']


def netvol_section(netvol):
    c, t = netvol['rows']['community.docker'], netvol['rows']['tprov.docker']
    return [HEADINGS['netvol'], '',
            'community.docker: `docker_network`, `docker_volume` and `docker_container` loops. tprov.docker: the '
            '`containers` role (`docker_networks`, `docker_volumes`, `docker_containers`: one `docker_api_containers` '
            'run). %d networks (one with a subnet), %d volumes, %d containers, each on a network and mounting a '
            'volume.' % (NETVOL_NETWORKS, NETVOL_VOLUMES, netvol['count']), '',
            '| first: community | first: tprov | ratio | re-run: community | re-run: tprov | ratio |',
            '|---|---|---|---|---|---|',
            '| %.2f s | %.2f s | %.2f | %.2f s | %.2f s | %.3f |' % (
                c['first'], t['first'], ratio(t['first'], c['first']), c['rerun'], t['rerun'],
                ratio(t['rerun'], c['rerun'])), '']


def pki_section(pki):
    lines = [HEADINGS['pki'], '',
             'community.crypto: key, CSR (`openssl_csr_pipe`) and certificate for each of the three (9 tasks). '
             'tprov.docker: one `docker_tls_pki` task (what the pki role runs), in the worker process; '
             '"as a process": the same with `tprov_docker_in_process=false`.', '',
             '| key type | first: community | first: tprov | ratio | re-run: community | re-run: tprov | ratio '
             '| tprov as a process: first / re-run |', '|---|---|---|---|---|---|---|---|']
    for label, row in pki.items():
        c, t, p = row['community.crypto'], row['tprov.docker'], row['tprov.docker (process)']
        lines.append('| %s | %.2f s | %.2f s | %.2f | %.2f s | %.2f s | %.2f | %.2f / %.2f s (%.2f / %.2f) |' % (
            label, c['first'], t['first'], ratio(t['first'], c['first']), c['rerun'], t['rerun'],
            ratio(t['rerun'], c['rerun']), p['first'], p['rerun'], ratio(p['first'], c['first']),
            ratio(p['rerun'], c['rerun'])))
    return lines + ['']


def exec_section(medians, tasks):
    return [HEADINGS['exec'], '',
            'The connection plugin `tprov.docker.docker_api` vs community.docker\'s `docker_api`, both over the '
            'unix socket, one container of the Debian 12 image: `ansible-playbook` with %d `command` tasks, wall '
            'clock (its start included, the same for both), plugins in alternation (benchmarks/exec_commands.py). '
            'Ratio: tprov / community, lower is faster (goal: no slower, <= 1).' % tasks, ''] + \
        exec_table(medians, tasks) + ['']


def fleet_section(fleet):
    lines = [HEADINGS['fleet'], '',
             'Fresh throwaway Debian 12 systemd hosts (dockerd 20.10) over SSH with pipelining, for each repetition. '
             'Floor: a play on the same hosts with `become`, `gather_subset: [min, network]` and one `debug` task. '
             'Targets (issue 20): re-run <= 1.5x the floor, first run <= 3x. Controller CPU: user + sys of '
             'ansible-playbook and the processes it waited for (workers, ssh), median.', '',
             '| hosts | first run | per host | re-run | per host | floor | re-run / floor | first / floor '
             '| controller CPU: first / re-run / floor |',
             '|---|---|---|---|---|---|---|---|---|']
    for size, row in sorted(fleet.items()):
        lines.append('| %d | %.1f s | %.1f s | %.1f s | %.1f s | %.1f s | %.2fx | %.2fx | %.1f / %.1f / %.1f s |' % (
            size, row['first'], row['first'] / size, row['rerun'], row['rerun'] / size, row['floor'],
            ratio(row['rerun'], row['floor']), ratio(row['first'], row['floor']),
            row['first_cpu'], row['rerun_cpu'], row['floor_cpu']))
    return lines + ['']


def read_report(path):
    """(header lines, {heading: lines}) of an existing comparison.md, in its order; ([], {}) without one."""
    try:
        with open(path) as handle:
            text = handle.read()
    except IOError:
        return [], {}
    header, sections, current = [], {}, None
    for line in text.split('\n'):
        if line.startswith('## '):
            current = sections.setdefault(line, [])
        (header if current is None else current).append(line)
    return header, sections


def write_report(sections, repeat):
    """comparison.md with the sections measured now (name -> lines); the file's other sections are kept
    as they were, and then its header too (the run it names is theirs): a section measured now says when."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    when = '%s on %s; median of %d' % (now, machine(), repeat)
    path = os.path.join(RESULTS, 'comparison.md')
    old_header, old_sections = read_report(path)
    partial = bool(old_header) and set(sections) != set(SECTIONS)
    lines = old_header if partial else [
        '# tprov.docker vs community.docker / community.crypto', '',
        'Run %s, tools in alternation (A B, B A, ...). `benchmarks/run` reproduces it.' % when, '']
    for name in SECTIONS:
        kept = old_sections.pop(HEADINGS[name], None)
        if name in sections:
            section = sections[name]
            if partial:
                section = section[:2] + ['Run %s (`benchmarks/run --only %s`).' % (
                    when, ' '.join(n for n in SECTIONS if n in sections)), ''] + section[2:]
            lines = lines + section
        elif kept:
            lines = lines + kept
    if partial:  # and a section this script no longer makes (a full run drops it: the header is new)
        for kept in old_sections.values():
            lines = lines + kept
    os.makedirs(RESULTS, exist_ok=True)
    # Written beside and renamed: the numbers of the sections kept are never half gone.
    with open(path + '.new', 'w') as handle:
        handle.write('\n'.join(lines))
    os.replace(path + '.new', path)
    print('\n'.join(lines))
    return path


def write_chart(containers):
    if not containers:
        return None
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    counts = sorted(containers)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for axis, phase, title in ((axes[0], 'first', 'first converge'), (axes[1], 'rerun', 'idempotent re-run')):
        for tool, style in (('community.docker', 'o-'), ('tprov.docker', 's-')):
            axis.plot(counts, [containers[n][tool][phase] for n in counts], style, label=tool)
        if phase == 'rerun':
            axis.plot(counts, [containers[n]['floor']['rerun'] for n in counts], 'k--', label='floor')
        label_axis(axis, '%s of N containers' % title, 'containers (N)')
    return save_chart(figure, 'comparison.png')


def label_axis(axis, title, xlabel):
    axis.set_title(title)
    axis.set_xlabel(xlabel)
    axis.set_ylabel('seconds')
    axis.grid(True, alpha=0.3)
    axis.legend()


def save_chart(figure, name):
    figure.tight_layout()
    path = os.path.join(RESULTS, name)
    figure.savefig(path, dpi=110)
    return path


def write_fleet_chart(fleet):
    """results/fleet.png: secure-docker.yml's first run and re-run against the floor play, per fleet size."""
    if not fleet:
        return None
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    sizes = sorted(fleet)
    figure, axis = plt.subplots(figsize=(6.5, 4.2))
    for phase, style, label in (('first', 'o-', 'first run'), ('rerun', 's-', 're-run'), ('floor', 'k--', 'floor')):
        axis.plot(sizes, [fleet[n][phase] for n in sizes], style, label=label)
    for factor, phase in ((1.5, 're-run target (1.5x floor)'), (3, 'first-run target (3x floor)')):
        axis.plot(sizes, [factor * fleet[n]['floor'] for n in sizes], ':', label=phase)
    axis.set_xticks(sizes)
    label_axis(axis, 'secure-docker.yml on N fresh hosts (forks 5)', 'hosts (N)')
    return save_chart(figure, 'fleet.png')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--counts', type=int, nargs='+', default=[1, 5, 20, 50])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--fleet', type=int, nargs='*', default=[1, 3, 6])
    parser.add_argument('--netvol-containers', type=int, default=20,
                        help='containers beside the networks and volumes in the netvol section')
    parser.add_argument('--exec-tasks', type=int, default=20, help='command tasks per play in the exec section')
    parser.add_argument('--only', choices=SECTIONS, nargs='+', default=list(SECTIONS))
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix='tprov-bench-')
    sock = os.path.join(workdir, 'proxy.sock')
    try:
        sections, containers, fleet = {}, {}, {}
        if 'containers' in args.only:
            containers, requests = bench_containers(workdir, args.counts, args.repeat, sock)
            sections['containers'] = containers_section(containers, requests)
        if 'netvol' in args.only:
            sections['netvol'] = netvol_section(bench_netvol(workdir, args.netvol_containers, args.repeat))
        if 'pki' in args.only:
            sections['pki'] = pki_section(bench_pki(workdir, args.repeat))
        if 'exec' in args.only:
            medians = bench_exec(workdir, args.repeat, args.exec_tasks, progress=lambda text: print(text, flush=True))
            sections['exec'] = exec_section(medians, args.exec_tasks)
        if 'fleet' in args.only and args.fleet:
            fleet = bench_fleet(workdir, args.fleet, args.repeat)
            sections['fleet'] = fleet_section(fleet)
        write_report(sections, args.repeat)
        for chart in (write_chart(containers), write_fleet_chart(fleet)):
            if chart:
                print('chart: %s' % chart)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
