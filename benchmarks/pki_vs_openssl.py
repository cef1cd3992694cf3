"""Issue a CA, N server certificates and one client certificate three ways, and time each.

1. docker_tls_cert, one module process per certificate (what each Ansible task costs on the target,
   without the controller's own overhead);
2. the same as one ansible-playbook run (N + 2 tasks on localhost);
3. the openssl CLI, following the chapter's commands (key, CSR, signing with an extfile).

Median of --repeat runs; first run (nothing on disk) and re-run (everything current) for 1 and 2.
Run with the project's venv: .venv/bin/python benchmarks/pki_vs_openssl.py [--servers 5] [--key-type ecdsa]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tests'))
from tprov_testlib import COLLECTIONS_DIR, run_module  # noqa: E402  (links the checkout as tprov.docker)


def module_specs(base, servers, key_type):
    specs = [dict(kind='ca', dir=base, key_type=key_type)]
    for i in range(servers):
        host = os.path.join(base, 'host%d' % i)
        os.makedirs(host, exist_ok=True)
        specs.append(dict(kind='server', dir=host, ca_path=os.path.join(base, 'ca.pem'),
                          ca_key_path=os.path.join(base, 'ca-key.pem'), key_type=key_type,
                          subject_alt_names=['DNS:host%d.example.com' % i, 'IP:192.0.2.%d' % (i + 1), 'IP:127.0.0.1']))
    client = os.path.join(base, 'client')
    os.makedirs(client, exist_ok=True)
    specs.append(dict(kind='client', dir=client, ca_path=os.path.join(base, 'ca.pem'),
                      ca_key_path=os.path.join(base, 'ca-key.pem'), common_name='admin', key_type=key_type))
    return specs


def run_modules(base, servers, key_type):
    for spec in module_specs(base, servers, key_type):
        result = run_module('docker_tls_cert', spec)
        assert not result.failed, result


def run_playbook(base, servers, key_type):
    tasks = []
    for spec in module_specs(base, servers, key_type):
        tasks.append({'name': '%s %s' % (spec['kind'], spec['dir']), 'tprov.docker.docker_tls_cert': spec})
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
    path = os.path.join(base, 'play.yml')
    with open(path, 'w') as handle:
        json.dump(play, handle)  # JSON is YAML
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
                    '-c', 'local', path], check=True, env=env, capture_output=True)


def openssl(*args, cwd):
    subprocess.run(['openssl'] + list(args), check=True, cwd=cwd, capture_output=True)


def run_openssl(base, servers, key_type):
    def genkey(path):
        if key_type == 'rsa':
            openssl('genrsa', '-out', path, '2048', cwd=base)
        else:
            openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path, cwd=base)
    genkey('ca-key.pem')
    openssl('req', '-new', '-x509', '-days', '365', '-key', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=bench CA',
            '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
            '-addext', 'keyUsage=critical,keyCertSign,cRLSign', cwd=base)
    for i in range(servers):
        genkey('server%d-key.pem' % i)
        openssl('req', '-new', '-key', 'server%d-key.pem' % i, '-out', 'server%d.csr' % i,
                '-subj', '/CN=host%d.example.com' % i, cwd=base)
        with open(os.path.join(base, 'extfile%d.cnf' % i), 'w') as handle:
            handle.write('subjectAltName = DNS:host%d.example.com,IP:192.0.2.%d,IP:127.0.0.1\n'
                         'extendedKeyUsage = serverAuth\n' % (i, i + 1))
        openssl('x509', '-req', '-days', '365', '-sha256', '-in', 'server%d.csr' % i, '-CA', 'ca.pem',
                '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server%d-cert.pem' % i,
                '-extfile', 'extfile%d.cnf' % i, cwd=base)
    genkey('key.pem')
    openssl('req', '-new', '-key', 'key.pem', '-out', 'client.csr', '-subj', '/CN=admin', cwd=base)
    with open(os.path.join(base, 'client-extfile.cnf'), 'w') as handle:
        handle.write('extendedKeyUsage = clientAuth\n')
    openssl('x509', '-req', '-days', '365', '-sha256', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem',
            '-CAcreateserial', '-out', 'cert.pem', '-extfile', 'client-extfile.cnf', cwd=base)
    for name in os.listdir(base):
        if name.endswith('key.pem'):
            os.chmod(os.path.join(base, name), 0o600)


def timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def measure(func, servers, key_type, repeat, rerun):
    first, again = [], []
    for _attempt in range(repeat):
        base = tempfile.mkdtemp(prefix='tprov-bench-pki-')
        try:
            first.append(timed(func, base, servers, key_type))
            if rerun:
                again.append(timed(func, base, servers, key_type))
        finally:
            shutil.rmtree(base)
    return statistics.median(first), (statistics.median(again) if again else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=5)
    parser.add_argument('--key-type', choices=['ecdsa', 'rsa'], default='ecdsa')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--output', help='append the markdown table to this file')
    args = parser.parse_args()
    rows = [
        ('docker_tls_cert, one module process per certificate',) +
        measure(run_modules, args.servers, args.key_type, args.repeat, True),
        ('docker_tls_cert, one ansible-playbook run',) +
        measure(run_playbook, args.servers, args.key_type, args.repeat, True),
        ('openssl CLI (the chapter\'s commands)',) +
        measure(run_openssl, args.servers, args.key_type, args.repeat, False),
    ]
    certs = args.servers + 2
    lines = ['', '### CA + %d server + 1 client certificates, %s, median of %d (%s, %d cores)' % (
        args.servers, args.key_type, args.repeat, time.strftime('%Y-%m-%d'), os.cpu_count()), '',
        '| how | first run (s) | re-run, nothing to do (s) | per certificate, first run (ms) |',
        '|---|---|---|---|']
    for name, first, again in rows:
        lines.append('| %s | %.2f | %s | %.0f |' % (name, first, '%.2f' % again if again is not None else 'n/a (no check)',
                                                    first / certs * 1000))
    text = '\n'.join(lines) + '\n'
    print(text)
    if args.output:
        with open(args.output, 'a') as handle:
            handle.write(text)


if __name__ == '__main__':
    main()
