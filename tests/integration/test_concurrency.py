"""Two runs at once on the same things end in a valid state: no torn key/certificate pair, one
container per name, and both runs succeed (the second decides again after the first)."""

import os
import threading
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tprov_testlib import docker, run_module


def at_once(calls):
    """Run each (module, args) in its own thread at the same moment; their results, in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def worker(index, module, args):
        barrier.wait()
        results[index] = run_module(module, args)

    threads = [threading.Thread(target=worker, args=(i, m, a)) for i, (m, a) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def public_bytes(key_or_cert):
    return key_or_cert.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def test_two_certificate_runs_on_the_same_files(tmp_path):
    assert not run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(tmp_path)}).failed
    for round_ in range(6):
        target = tmp_path / ('server%d' % round_)
        target.mkdir()
        args = {'kind': 'server', 'dir': str(target), 'ca_path': str(tmp_path / 'ca.pem'),
                'ca_key_path': str(tmp_path / 'ca-key.pem'), 'subject_alt_names': ['IP:127.0.0.1']}
        first, second = at_once([('docker_tls_cert', args), ('docker_tls_cert', args)])
        assert not first.failed and not second.failed, (first, second)
        assert [first['changed'], second['changed']].count(True) == 1  # the second found the first's files right
        key = serialization.load_pem_private_key((target / 'server-key.pem').read_bytes(), None)
        cert = x509.load_pem_x509_certificate((target / 'server-cert.pem').read_bytes())
        assert public_bytes(key) == public_bytes(cert)
        assert sorted(os.listdir(str(target))) == ['server-cert.pem', 'server-key.pem']


def test_two_pki_runs_on_the_same_directory(tmp_path):
    args = {'dir': str(tmp_path / 'pki'), 'clients': [{'name': 'admin'}],
            'servers': [{'name': 'docker1', 'subject_alt_names': ['IP:127.0.0.1']}]}
    first, second = at_once([('docker_tls_pki', args), ('docker_tls_pki', args)])
    assert not first.failed and not second.failed
    assert [first['changed'], second['changed']].count(True) == 1
    ca = x509.load_pem_x509_certificate((tmp_path / 'pki' / 'ca.pem').read_bytes())
    x509.load_pem_x509_certificate((tmp_path / 'pki/hosts/docker1/server-cert.pem').read_bytes()) \
        .verify_directly_issued_by(ca)


def test_two_converges_of_the_same_containers(busybox_image, unique_name):
    for round_ in range(5):
        name = '%s-%d-%s' % (unique_name, round_, uuid.uuid4().hex[:4])
        args = {'name': name, 'image': busybox_image, 'command': 'sleep 300', 'memory': '32m'}
        first, second = at_once([('docker_api_container', args), ('docker_api_container', args)])
        assert not first.failed and not second.failed, (first.get('msg'), second.get('msg'))
        ids = docker('ps', '-aq', '--no-trunc', '--filter', 'name=^%s$' % name).stdout.split()
        assert len(ids) == 1 and first['container']['Id'] == second['container']['Id'] == ids[0]
        assert docker('inspect', '--format', '{{.State.Running}}', name).stdout.strip() == 'true'
    batch = {'containers': [{'name': '%s-b%d' % (unique_name, i), 'image': busybox_image, 'command': 'sleep 300'}
                            for i in range(3)]}
    first, second = at_once([('docker_api_containers', batch), ('docker_api_containers', batch)])
    assert not first.failed and not second.failed, (first.get('msg'), second.get('msg'))
    for i in range(3):
        assert len(docker('ps', '-aq', '--filter', 'name=^%s-b%d$' % (unique_name, i)).stdout.split()) == 1


def test_two_tls_files_runs_on_the_same_directory(tmp_path):
    """The lock (a lock file outside dest since the owner could hold one on dest itself) still makes them take
    turns: the second finds the files right."""
    for round_ in range(5):
        dest = tmp_path / ('bundle%d' % round_)
        dest.mkdir(mode=0o700)
        args = {'dest': str(dest), 'files': [{'name': 'ca.pem', 'content': 'ca %d\n' % round_, 'mode': '0644'},
                                             {'name': 'env', 'content': 'export X=%d\n' % round_}]}
        first, second = at_once([('docker_tls_files', args), ('docker_tls_files', args)])
        assert not first.failed and not second.failed, (first.get('msg'), second.get('msg'))
        assert [first['changed'], second['changed']].count(True) == 1
        assert sorted(os.listdir(str(dest))) == ['ca.pem', 'env']
