"""docker_tls_info against the TLS-only dockerd of the test bed (engine_bed.TLSDaemon): what it really serves."""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading

import yaml

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from engine_bed import free_port, tls_listener
from tprov_testlib import COLLECTIONS_DIR, REPO_ROOT, run_module


def served_args(daemon, **extra):
    """No client bundle: the daemon (run with --tlsverify) refuses the client, after serving its certificate."""
    return dict(dict(docker_host=daemon.host, ca_path=os.path.join(daemon.pki, 'ca.pem')), **extra)


def test_the_served_certificate_without_a_client_bundle(tls_daemon):
    server_cert = os.path.join(tls_daemon.pki, 'server', 'server-cert.pem')
    cert = x509.load_pem_x509_certificate(open(server_cert, 'rb').read())
    result = run_module('docker_tls_info', served_args(tls_daemon, expected_cert_path=server_cert))
    assert not result.failed, result
    assert result['changed'] is False and result['address'] == '127.0.0.1:%d' % tls_daemon.port
    assert result['subject'] == cert.subject.rfc4514_string() and result['issuer'] == 'CN=tprov.docker CA'
    assert result['subject_alt_names'] == ['IP:127.0.0.1', 'DNS:localhost']
    assert result['fingerprint_sha256'] == ':'.join('%02X' % b for b in cert.fingerprint(hashes.SHA256()))
    assert result['not_after'] == cert.not_valid_after_utc.strftime('%Y-%m-%dT%H:%M:%SZ')
    assert result['days_left'] in (364, 365) and result['expiring'] is False and result['expired'] is False
    assert result['chains_to_ca'] is True and result['matches_file'] is True and result['name_matches'] is True
    # Served, then refused: no client certificate was given to a daemon run with --tlsverify.
    assert result['tls_version'] == 'TLSv1.3'
    assert result['handshake'] is False and result['handshake_error_kind'] == 'tls_no_client_cert', result
    assert result['client_certificate'] is None


def test_warn_days_and_nothing_to_compare(tls_daemon):
    result = run_module('docker_tls_info', {'docker_host': tls_daemon.host, 'warn_days': 400}, check=True)
    assert not result.failed, result
    assert result['expiring'] is True and result['warn_days'] == 400
    assert result['chains_to_ca'] is None and result['matches_file'] is None


def test_a_foreign_ca_and_another_file(tls_daemon, foreign_pki):
    result = run_module('docker_tls_info', served_args(
        tls_daemon, expected_ca_path=os.path.join(foreign_pki, 'ca.pem'),
        expected_cert_path=os.path.join(foreign_pki, 'server', 'server-cert.pem')))
    assert not result.failed, result
    assert result['chains_to_ca'] is False and result['matches_file'] is False
    # validate_certs: the Docker CLI would refuse it, so the task fails, with the facts.
    refused = run_module('docker_tls_info', dict(docker_host=tls_daemon.host, validate_certs=True,
                                                 ca_path=os.path.join(foreign_pki, 'ca.pem')))
    assert refused.failed and refused['error_kind'] == 'tls_unknown_ca', refused
    assert refused['issuer'] == 'CN=tprov.docker CA' and refused['chains_to_ca'] is False
    named = run_module('docker_tls_info', served_args(tls_daemon, validate_certs=True, tls_hostname='docker.example.com'))
    assert named.failed and named['error_kind'] == 'tls_name_mismatch' and named['name_matches'] is False, named
    assert not run_module('docker_tls_info', served_args(tls_daemon, validate_certs=True, tls_hostname='localhost')).failed


def test_with_a_client_bundle_the_daemon_accepts_it_and_its_facts_come_too(tls_daemon, foreign_pki):
    result = run_module('docker_tls_info', tls_daemon.client_args())
    assert not result.failed, result
    assert result['handshake'] is True and result['handshake_error_kind'] is None
    client = result['client_certificate']
    assert client['subject'] == 'CN=admin' and client['chains_to_ca'] is True and client['expiring'] is False
    foreign = dict(tls_daemon.client_args(), client_cert=os.path.join(foreign_pki, 'client', 'cert.pem'),
                   client_key=os.path.join(foreign_pki, 'client', 'key.pem'))
    rejected = run_module('docker_tls_info', foreign)
    assert not rejected.failed, rejected
    assert rejected['handshake'] is False and rejected['handshake_error_kind'] == 'tls_client_rejected', rejected
    assert rejected['client_certificate']['chains_to_ca'] is False and rejected['chains_to_ca'] is True


def test_a_refused_port_dns_and_a_key_that_is_not_the_certificates(tls_daemon, foreign_pki):
    refused = run_module('docker_tls_info', {'docker_host': 'tcp://127.0.0.1:%d' % free_port()})
    assert refused.failed and refused['error_kind'] == 'refused', refused
    unknown = run_module('docker_tls_info', {'docker_host': 'tcp://no-such-host.invalid:2376', 'timeout': 5})
    assert unknown.failed and unknown['error_kind'] == 'dns', unknown
    mismatched = dict(tls_daemon.client_args(), client_key=os.path.join(foreign_pki, 'client', 'key.pem'))
    broken = run_module('docker_tls_info', mismatched)
    assert broken.failed and broken['error_kind'] == 'tls_key_mismatch', broken


def test_a_plaintext_port_is_not_tls():
    """An HTTP server (as dockerd on 2375 is) answers a ClientHello with a 400 in plain text."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(4)

    def serve():
        try:
            conn, _addr = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(4096)
            conn.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    threading.Thread(target=serve, daemon=True).start()
    try:
        result = run_module('docker_tls_info', {'docker_host': 'tcp://127.0.0.1:%d' % listener.getsockname()[1]})
    finally:
        listener.close()
    assert result.failed and result['error_kind'] == 'tls_not_tls', result


def test_bad_settings_name_the_option(tmp_path):
    socket_host = run_module('docker_tls_info', {'docker_host': 'unix:///var/run/docker.sock'})
    assert socket_host.failed and socket_host['error_kind'] == 'invalid_settings' and 'tcp://' in socket_host['msg']
    missing = run_module('docker_tls_info', {'docker_host': 'tcp://127.0.0.1:1',
                                             'expected_cert_path': str(tmp_path / 'nope.pem')})
    assert missing.failed and missing['error_kind'] == 'invalid_settings' and 'expected_cert_path' in missing['msg']
    (tmp_path / 'junk.pem').write_text('not a certificate\n')
    junk = run_module('docker_tls_info', {'docker_host': 'tcp://127.0.0.1:1', 'ca_path': str(tmp_path / 'junk.pem')})
    assert junk.failed and junk['error_kind'] == 'invalid_option' and 'ca_path' in junk['msg'], junk
    none = run_module('docker_tls_info', {}, env={'DOCKER_HOST': ''})
    assert none.failed and 'docker_host is required' in none['msg']


def test_a_tls12_server_that_requires_a_client_certificate(tls_daemon):
    """TLS 1.2 refuses before the client sees the certificate: an error that says so and names the way out."""
    pki = tls_daemon.pki
    listener = tls_listener(os.path.join(pki, 'server', 'server-cert.pem'),
                            os.path.join(pki, 'server', 'server-key.pem'), tls12_only=True)
    try:
        host = 'tcp://127.0.0.1:%d' % listener.getsockname()[1]
        refused = run_module('docker_tls_info', {'docker_host': host})
        assert refused.failed and refused['error_kind'] == 'tls_no_client_cert', refused
        assert 'TLS 1.2' in refused['msg'] and 'client_cert' in refused['msg']
    finally:
        listener.shutdown(2)
        listener.close()


def check_certs_bed(daemon, tmp_path, foreign_pki=None):
    """docker_pki_dir in docker_tls_pki's layout around the TLS daemon's certificates, and an inventory naming it."""
    pki = tmp_path / 'pki'
    (pki / 'hosts' / 'tlsd').mkdir(parents=True)
    shutil.copy(os.path.join(daemon.pki, 'ca.pem'), str(pki / 'ca.pem'))
    shutil.copy(os.path.join(daemon.pki, 'server', 'server-cert.pem'), str(pki / 'hosts' / 'tlsd' / 'server-cert.pem'))
    for name, source in (('admin', daemon.pki), ('stranger', foreign_pki)):
        if source:
            shutil.copytree(os.path.join(source, 'client'), str(pki / 'clients' / name))
    shutil.copy(os.path.join(daemon.pki, 'ca.pem'), str(pki / 'clients' / 'admin' / 'ca.pem'))
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(yaml.safe_dump({'docker_hosts': {'hosts': {'tlsd': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
        'docker_daemon_connect_host': '127.0.0.1', 'docker_daemon_tls_port': daemon.port,
        'docker_pki_dir': str(pki)}}}}))
    return str(inventory)


def run_check_certs(inventory, *extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory,
                           os.path.join(REPO_ROOT, 'playbooks', 'check-certs.yml')] + list(extra),
                          capture_output=True, text=True, env=env, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_check_certs_passes_then_fails_naming_the_host_and_the_days_left(tls_daemon, foreign_pki, tmp_path):
    inventory = check_certs_bed(tls_daemon, tmp_path)
    rc, output = run_check_certs(inventory)
    assert rc == 0, output
    assert 'tlsd  served' in output and 'tlsd  client admin' in output and 'CN=admin' in output, output
    # Within the warning window (a year's certificate, 400 days asked).
    rc, output = run_check_certs(inventory, '-e', 'docker_pki_warn_days=400')
    assert rc != 0 and 'failed=1' in output, output
    assert re.search(r'tlsd\s+served\s+CN=127\.0\.0\.1\s+\S+\s+36[45]\s+expires in 36[45] days '
                     r'\(docker_pki_warn_days: 400\)', output), output


def test_check_certs_names_a_bundle_the_daemon_refuses_and_a_certificate_not_on_disk(
        tls_daemon, foreign_pki, tmp_path):
    inventory = check_certs_bed(tls_daemon, tmp_path, foreign_pki)
    shutil.copy(os.path.join(foreign_pki, 'server', 'server-cert.pem'),
                str(tmp_path / 'pki' / 'hosts' / 'tlsd' / 'server-cert.pem'))
    rc, output = run_check_certs(inventory)
    assert rc != 0, output
    assert 'differs from the certificate on disk' in output, output
    assert re.search(r'tlsd\s+client stranger\s+CN=admin\s+.*not issued by the current CA.*refused by the daemon '
                     r'\(tls_client_rejected\)', output), output
    assert not re.search(r'tlsd\s+client admin\s+CN=admin\s+\S+\s+\d+\s+\S', output), output  # no problem
