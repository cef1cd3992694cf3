"""docker_tls_cert: files, idempotence, renewal, refusals, and certificates a real dockerd accepts."""

import datetime
import os
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from engine_bed import TLSDaemon, free_port, issue_pki
from tprov_testlib import docker, run_module


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def read(path):
    with open(path, 'rb') as handle:
        return handle.read()


@pytest.fixture
def pki(tmp_path):
    ca = run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(tmp_path)})
    assert ca['changed'] and not ca.failed
    return tmp_path


def server_args(pki, **extra):
    args = {'kind': 'server', 'path': str(pki / 'server-cert.pem'), 'key_path': str(pki / 'server-key.pem'),
            'ca_path': str(pki / 'ca.pem'), 'ca_key_path': str(pki / 'ca-key.pem'),
            'subject_alt_names': ['IP:127.0.0.1', 'DNS:localhost']}
    args.update(extra)
    return args


def test_files_modes_and_idempotence(pki):
    assert mode(str(pki / 'ca-key.pem')) == 0o600 and mode(str(pki / 'ca.pem')) == 0o644
    first = run_module('docker_tls_cert', server_args(pki))
    assert first['changed'] and first['reasons'] == ['key_missing', 'missing']
    assert mode(first['key_path']) == 0o600 and mode(first['path']) == 0o644
    assert first['subject_alt_names'] == ['IP:127.0.0.1', 'DNS:localhost']
    second = run_module('docker_tls_cert', server_args(pki))
    assert second['changed'] is False and second['reasons'] == []
    assert second['serial'] == first['serial'] and second['fingerprint_sha256'] == first['fingerprint_sha256']
    # A widened mode is put back, and that alone is a change.
    os.chmod(first['key_path'], 0o644)
    fixed = run_module('docker_tls_cert', server_args(pki))
    assert fixed['changed'] is True and fixed['reasons'] == [] and mode(first['key_path']) == 0o600
    custom = run_module('docker_tls_cert', server_args(pki, mode='0444', key_mode='0400'))
    assert custom['changed'] and mode(first['path']) == 0o444 and mode(first['key_path']) == 0o400


def test_san_change_reissues_and_keeps_key(pki):
    run_module('docker_tls_cert', server_args(pki))
    key_before = read(str(pki / 'server-key.pem'))
    result = run_module('docker_tls_cert', server_args(pki, subject_alt_names=['IP:127.0.0.1', 'IP:::1']),
                        diff=True)
    assert result['changed'] and result['reasons'] == ['san_changed']
    assert read(str(pki / 'server-key.pem')) == key_before
    assert result['diff']['before']['subject_alt_names'] == ['IP:127.0.0.1', 'DNS:localhost']
    assert result['diff']['after']['subject_alt_names'] == ['IP:127.0.0.1', 'IP:::1']
    # Never key material in the result or the diff.
    assert b'PRIVATE KEY' not in result.raw.encode() and key_before.decode() not in result.raw
    regenerated = run_module('docker_tls_cert', server_args(pki, subject_alt_names=['IP:127.0.0.1', 'IP:::1'],
                                                            regenerate_key=True))
    assert regenerated['reasons'] == ['regenerate_key'] and read(str(pki / 'server-key.pem')) != key_before


def test_check_mode_writes_nothing(pki):
    predicted = run_module('docker_tls_cert', server_args(pki), check=True, diff=True)
    assert predicted['changed'] and predicted['reasons'] == ['key_missing', 'missing']
    assert not (pki / 'server-cert.pem').exists() and not (pki / 'server-key.pem').exists()
    assert predicted['diff']['before']['serial'] is None
    run_module('docker_tls_cert', server_args(pki))
    before = read(str(pki / 'server-cert.pem'))
    predicted = run_module('docker_tls_cert', server_args(pki, force=True), check=True)
    assert predicted['changed'] and predicted['reasons'] == ['force']
    assert read(str(pki / 'server-cert.pem')) == before


def test_renewal_window(pki):
    # A certificate 10 days from expiry: issued for 10 days (with a 5-day window it is kept) ...
    short = run_module('docker_tls_cert', server_args(pki, valid_days=10, renew_before_days=5))
    assert short['changed']
    assert run_module('docker_tls_cert', server_args(pki, valid_days=10, renew_before_days=5))['changed'] is False
    # ... is renewed under the default 30-day window.
    renewed = run_module('docker_tls_cert', server_args(pki))  # default: 365 days, 30-day window
    assert renewed['changed'] and renewed['reasons'] == ['expires_soon']
    assert renewed['not_after'] > short['not_after']


def test_expired_certificate_is_renewed(pki):
    run_module('docker_tls_cert', server_args(pki))
    ca_key = serialization.load_pem_private_key(read(str(pki / 'ca-key.pem')), None)
    ca_cert = x509.load_pem_x509_certificate(read(str(pki / 'ca.pem')))
    current = x509.load_pem_x509_certificate(read(str(pki / 'server-cert.pem')))
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = x509.CertificateBuilder().subject_name(current.subject).issuer_name(ca_cert.subject) \
        .public_key(current.public_key()).serial_number(x509.random_serial_number()) \
        .not_valid_before(now - datetime.timedelta(days=400)).not_valid_after(now - datetime.timedelta(days=35))
    for ext in current.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    with open(str(pki / 'server-cert.pem'), 'wb') as handle:
        handle.write(builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    result = run_module('docker_tls_cert', server_args(pki))
    assert result['changed'] and result['reasons'] == ['expired']


def test_new_ca_reissues_leaves(pki, tmp_path_factory):
    run_module('docker_tls_cert', server_args(pki))
    other = tmp_path_factory.mktemp('other-ca')
    run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(other)})
    result = run_module('docker_tls_cert', server_args(pki, ca_path=str(other / 'ca.pem'),
                                                       ca_key_path=str(other / 'ca-key.pem')))
    assert result['changed'] and result['reasons'] == ['ca_changed']


def test_ca_passphrase_encrypts_and_is_never_printed(tmp_path):
    secret = 'correct horse battery staple'
    ca = run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(tmp_path), 'ca_passphrase': secret})
    assert b'ENCRYPTED PRIVATE KEY' in read(str(tmp_path / 'ca-key.pem'))
    assert secret not in ca.raw
    client = {'kind': 'client', 'dir': str(tmp_path / 'c'), 'ca_path': str(tmp_path / 'ca.pem'),
              'ca_key_path': str(tmp_path / 'ca-key.pem'), 'common_name': 'admin'}
    os.makedirs(client['dir'])
    wrong = run_module('docker_tls_cert', dict(client, ca_passphrase='nope'))
    assert wrong.failed and wrong['msg'].startswith('ca_passphrase does not decrypt')
    missing = run_module('docker_tls_cert', client)
    assert missing.failed and 'ca_passphrase' in missing['msg']
    assert os.listdir(client['dir']) == []
    ok = run_module('docker_tls_cert', dict(client, ca_passphrase=secret))
    assert ok['changed'] and secret not in ok.raw
    assert b'ENCRYPTED' not in read(os.path.join(client['dir'], 'key.pem'))  # dockerd cannot prompt
    assert run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(tmp_path), 'ca_passphrase': secret})['changed'] is False


def test_bad_input_names_the_option_and_writes_nothing(pki):
    before = sorted(os.listdir(str(pki)))
    cases = [
        (server_args(pki, subject_alt_names=['IP:999.1.1.1']), 'subject_alt_names'),
        (server_args(pki, subject_alt_names=['URI:https://x']), 'subject_alt_names'),
        (server_args(pki, subject_alt_names=[]), 'subject_alt_names is required'),
        (server_args(pki, ca_path=str(pki / 'nope.pem')), 'ca_path: no file at'),
        (server_args(pki, valid_days=0), 'valid_days'),
        (server_args(pki, renew_before_days=400), 'renew_before_days'),
        (server_args(pki, path='/nonexistent-dir/cert.pem', key_path='/nonexistent-dir/key.pem'),
         'path: the directory /nonexistent-dir does not exist'),
        (server_args(pki, key_path=str(pki / 'server-cert.pem')), 'path and key_path name the same file'),
        ({'kind': 'client', 'dir': str(pki), 'ca_path': str(pki / 'ca.pem'), 'ca_key_path': str(pki / 'ca-key.pem')},
         'common_name is required'),
        ({'kind': 'server', 'subject_alt_names': ['IP:127.0.0.1']}, 'one of the following is required: dir, path'),
        (server_args(pki, key_type='dsa'), 'key_type'),
    ]
    for args, needle in cases:
        result = run_module('docker_tls_cert', args)
        assert result.failed and needle in result['msg'], (args, result['msg'])
    assert sorted(os.listdir(str(pki))) == before


def test_leaf_as_ca_and_mismatched_ca_key(pki):
    run_module('docker_tls_cert', server_args(pki))
    client = {'kind': 'client', 'path': str(pki / 'c.pem'), 'key_path': str(pki / 'k.pem'), 'common_name': 'x'}
    not_ca = run_module('docker_tls_cert', dict(client, ca_path=str(pki / 'server-cert.pem'),
                                                ca_key_path=str(pki / 'server-key.pem')))
    assert not_ca.failed and 'is not a CA certificate' in not_ca['msg']
    mismatch = run_module('docker_tls_cert', dict(client, ca_path=str(pki / 'ca.pem'),
                                                  ca_key_path=str(pki / 'server-key.pem')))
    assert mismatch.failed and 'is not the key of the CA certificate' in mismatch['msg']
    assert not (pki / 'c.pem').exists() and not (pki / 'k.pem').exists()


def test_unwritable_location(pki):
    result = run_module('docker_tls_cert', server_args(pki, path='/proc/self/tprov-cert.pem',
                                                       key_path='/proc/self/tprov-key.pem'))
    assert result.failed and ('/proc/self' in result['msg'])


def test_second_run_through_ansible_playbook_reports_changed_0(playbook, tmp_path):
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: CA
      tprov.docker.docker_tls_cert:
        kind: ca
        dir: {d}
    - name: Server
      tprov.docker.docker_tls_cert:
        kind: server
        dir: {d}
        subject_alt_names: [IP:127.0.0.1, DNS:localhost]
    - name: Client
      tprov.docker.docker_tls_cert:
        kind: client
        dir: {d}
        common_name: admin
'''.format(d=str(tmp_path))
    rc, out, recap = playbook(play)
    assert rc == 0 and recap['changed'] == 3, out
    rc, out, recap = playbook(play, '--diff')
    assert rc == 0 and recap['changed'] == 0, out
    assert 'PRIVATE KEY' not in out


@pytest.mark.parametrize('key_type', ['rsa', 'ed25519'])
def test_dockerd_accepts_other_key_types(workdir, key_type):
    """The docs claim RSA and Ed25519 work with dockerd and Go clients: prove it with a real daemon."""
    base = os.path.join(workdir, 'tlsd-%s' % key_type)
    os.makedirs(base)
    pki = issue_pki(os.path.join(workdir, 'pki-%s' % key_type), key_type=key_type)
    daemon = TLSDaemon(base, pki, free_port(), 'tprovk%d' % (os.getpid() % 10000))
    daemon.start()
    try:
        result = run_module('docker_api_info', daemon.client_args())
        assert not result.failed, result
        env = dict(os.environ, DOCKER_HOST=daemon.host, DOCKER_TLS_VERIFY='1',
                   DOCKER_CERT_PATH=os.path.join(pki, 'client'))
        cli = docker('version', '--format', '{{.Server.Version}}', env=env, check=False)
        assert cli.returncode == 0, cli.stderr
    finally:
        daemon.stop()


def pbkdf2_iterations(pem):
    """The PBKDF2 iteration count of a PKCS#8 encrypted key, read with openssl (not our parser)."""
    import subprocess
    import re as _re
    out = subprocess.run(['openssl', 'asn1parse'], input=pem, capture_output=True, check=True).stdout.decode()
    return int(_re.search(r'PBKDF2\n(?:.*\n){2}.*INTEGER\s*:([0-9A-F]+)', out).group(1), 16)


def weaken(key_path, passphrase, legacy=False):
    """Re-write an encrypted key the way older releases did (BestAvailableEncryption: 2,048 iterations),
    or in OpenSSL's legacy Proc-Type form."""
    key = serialization.load_pem_private_key(read(key_path), passphrase.encode())
    fmt = serialization.PrivateFormat.TraditionalOpenSSL if legacy else serialization.PrivateFormat.PKCS8
    with open(key_path, 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, fmt,
                                       serialization.BestAvailableEncryption(passphrase.encode())))
    return key


@pytest.mark.parametrize('legacy', [False, True])
def test_weakly_encrypted_ca_key_is_re_encrypted(tmp_path, legacy):
    secret = 'weak-then-strong-passphrase'
    ca_args = {'kind': 'ca', 'dir': str(tmp_path), 'ca_passphrase': secret}
    assert run_module('docker_tls_cert', ca_args)['changed']
    key_path = str(tmp_path / 'ca-key.pem')
    assert pbkdf2_iterations(read(key_path)) >= 600000
    key = weaken(key_path, secret, legacy)
    assert (b'Proc-Type: 4,ENCRYPTED' in read(key_path)) if legacy else pbkdf2_iterations(read(key_path)) == 2048
    cert_before = read(str(tmp_path / 'ca.pem'))
    weak = read(key_path)

    check = run_module('docker_tls_cert', ca_args, check=True)
    assert check['changed'] and check['reasons'] == ['weak_key_encryption'] and read(key_path) == weak

    fixed = run_module('docker_tls_cert', ca_args)
    assert fixed['changed'] and fixed['reasons'] == ['weak_key_encryption'], fixed
    assert secret not in fixed.raw
    assert read(str(tmp_path / 'ca.pem')) == cert_before  # the CA certificate stays
    assert b'BEGIN ENCRYPTED PRIVATE KEY' in read(key_path) and pbkdf2_iterations(read(key_path)) >= 600000
    assert mode(key_path) == 0o600
    again = serialization.load_pem_private_key(read(key_path), secret.encode())
    assert again.private_numbers() == key.private_numbers() if hasattr(key, 'private_numbers') else True
    assert run_module('docker_tls_cert', ca_args)['changed'] is False


@pytest.mark.parametrize('planted', ['hard link', 'symlink'])
def test_a_link_planted_at_key_path_is_refused_and_its_target_untouched(tmp_path, planted):
    # Another user's valid CA key (root's, 0600) linked at key_path in a directory that user (nobody)
    # owns: the certificate there is right, so nothing is re-issued, and setting owner: nobody on
    # key_path would hand that user the other key. The module refuses instead, naming key_path.
    import pwd
    victim = tmp_path / 'victim'
    victim.mkdir()
    assert not run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(victim)}).failed
    victim_key = str(victim / 'ca-key.pem')
    before = os.stat(victim_key)
    theirs = tmp_path / 'theirs'
    theirs.mkdir()
    nobody = pwd.getpwnam('nobody')
    (theirs / 'ca.pem').write_bytes(read(str(victim / 'ca.pem')))
    (os.link if planted == 'hard link' else os.symlink)(victim_key, str(theirs / 'ca-key.pem'))
    os.chown(str(theirs), nobody.pw_uid, nobody.pw_gid)
    result = run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(theirs), 'owner': 'nobody', 'key_mode': '0640'})
    assert result.failed and result['msg'].startswith('key_path: %s is a ' % (theirs / 'ca-key.pem')), result
    assert ('hard links' if planted == 'hard link' else 'symbolic link') in result['msg'], result
    after = os.stat(victim_key)
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (
        before.st_uid, before.st_gid, stat.S_IMODE(before.st_mode)) == (0, 0, 0o600)
