"""docker_tls_pki: a whole PKI in one run, idempotent, changing only what differs.

That dockerd and the Docker CLI accept what it issues is shown by the Molecule scenario, where the
pki role issues with it and the verifier connects with the API client and the CLI."""

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from tprov_testlib import COLLECTIONS_DIR, run_module


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def cert(path):
    with open(path, 'rb') as handle:
        return x509.load_pem_x509_certificate(handle.read())


def args(directory, **extra):
    result = {'dir': str(directory), 'clients': [{'name': 'admin'}],
              'servers': [{'name': 'docker1', 'subject_alt_names': ['DNS:docker1', 'IP:127.0.0.1']}]}
    result.update(extra)
    return result


def test_layout_modes_chain_and_idempotence(tmp_path):
    pki = tmp_path / 'pki'
    first = run_module('docker_tls_pki', args(pki))
    assert first['changed'] and first['ca']['reasons'] == ['key_missing', 'missing']
    assert mode(str(pki)) == 0o700 and mode(str(pki / 'ca-key.pem')) == 0o600
    for path in ('hosts/docker1/server-key.pem', 'clients/admin/key.pem'):
        assert mode(str(pki / path)) == 0o600
    ca = cert(str(pki / 'ca.pem'))
    server = cert(str(pki / 'hosts/docker1/server-cert.pem'))
    client = cert(str(pki / 'clients/admin/cert.pem'))
    server.verify_directly_issued_by(ca)
    client.verify_directly_issued_by(ca)
    assert ExtendedKeyUsageOID.SERVER_AUTH in server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert (pki / 'clients/admin/ca.pem').read_bytes() == (pki / 'ca.pem').read_bytes()
    assert first['servers']['docker1']['subject_alt_names'] == ['DNS:docker1', 'IP:127.0.0.1']
    again = run_module('docker_tls_pki', args(pki))
    assert again['changed'] is False and again['servers']['docker1']['reasons'] == []


def test_only_what_differs_changes(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', args(pki))
    ca_before = (pki / 'ca.pem').read_bytes()
    key_before = (pki / 'hosts/docker1/server-key.pem').read_bytes()
    more = args(pki, servers=[{'name': 'docker1', 'subject_alt_names': ['DNS:docker1', 'IP:127.0.0.1', 'IP:192.0.2.9']},
                              {'name': 'docker2', 'subject_alt_names': ['IP:192.0.2.10']}])
    moved = run_module('docker_tls_pki', more)
    assert moved['ca']['changed'] is False and (pki / 'ca.pem').read_bytes() == ca_before
    assert moved['servers']['docker1']['reasons'] == ['san_changed']
    assert moved['servers']['docker1']['before']['subject_alt_names'] == ['DNS:docker1', 'IP:127.0.0.1']
    assert (pki / 'hosts/docker1/server-key.pem').read_bytes() == key_before  # key kept across re-issue
    assert moved['servers']['docker2']['changed'] and moved['clients']['admin']['changed'] is False
    forced = run_module('docker_tls_pki', dict(more, force=True))
    assert forced['ca']['changed'] is False
    assert all(s['reasons'] == ['force'] for s in forced['servers'].values())
    assert forced['clients']['admin']['reasons'] == ['force']


def test_check_mode_writes_nothing_but_decides_everything(tmp_path):
    pki = tmp_path / 'pki'
    check = run_module('docker_tls_pki', args(pki), check=True)
    assert check['changed'] and not pki.exists()
    assert check['servers']['docker1']['reasons'] == ['key_missing', 'missing']
    run_module('docker_tls_pki', args(pki))
    renew = run_module('docker_tls_pki', args(pki, valid_days=400, renew_before_days=370), check=True)
    assert renew['servers']['docker1']['reasons'] == ['expires_soon']
    assert run_module('docker_tls_pki', args(pki))['changed'] is False


def test_encrypted_ca_and_wrong_passphrase(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', args(pki, ca_passphrase='correct horse'))
    assert b'ENCRYPTED' in (pki / 'ca-key.pem').read_bytes()
    # Many tries: a wrong passphrase fails in two ways inside cryptography; both must read the same.
    for attempt in range(12):
        wrong = run_module('docker_tls_pki', args(pki, ca_passphrase='not-the-passphrase-%d' % attempt))
        assert wrong.failed and wrong['msg'].startswith('ca_passphrase does not decrypt'), wrong['msg']
        assert 'correct horse' not in wrong.raw
    assert run_module('docker_tls_pki', args(pki, ca_passphrase='correct horse'))['changed'] is False


def test_bad_input_names_the_entry_and_writes_nothing(tmp_path):
    pki = tmp_path / 'pki'
    for extra, needle in [
            ({'servers': [{'name': '../escape', 'subject_alt_names': ['IP:127.0.0.1']}]}, 'servers[0].name'),
            ({'servers': [{'name': 'a', 'subject_alt_names': []}]}, 'servers[0] (a): subject_alt_names is required'),
            ({'servers': [{'name': 'a', 'subject_alt_names': ['IP:300.1.1.1']}]}, 'servers[0] (a):'),
            ({'clients': [{'name': 'x'}, {'name': 'x'}]}, 'clients: a name is listed twice')]:
        result = run_module('docker_tls_pki', args(pki, **extra))
        assert result.failed and needle in result['msg'], result['msg']
        assert not pki.exists()


def test_weakly_encrypted_ca_key_is_re_encrypted(tmp_path):
    import re
    import subprocess
    from cryptography.hazmat.primitives import serialization
    pki = tmp_path / 'pki'
    secret = 'pki-weak-then-strong'
    run_module('docker_tls_pki', args(pki, ca_passphrase=secret))
    key_path = pki / 'ca-key.pem'
    key = serialization.load_pem_private_key(key_path.read_bytes(), secret.encode())
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(secret.encode())))
    ca_before = (pki / 'ca.pem').read_bytes()
    leaves_before = [(pki / p).read_bytes() for p in ('hosts/docker1/server-cert.pem', 'clients/admin/cert.pem')]
    result = run_module('docker_tls_pki', args(pki, ca_passphrase=secret))
    assert result['changed'] and result['ca']['reasons'] == ['weak_key_encryption'], result
    assert secret not in result.raw
    assert (pki / 'ca.pem').read_bytes() == ca_before
    assert [(pki / p).read_bytes() for p in ('hosts/docker1/server-cert.pem', 'clients/admin/cert.pem')] \
        == leaves_before
    asn1 = subprocess.run(['openssl', 'asn1parse'], input=key_path.read_bytes(), capture_output=True,
                          check=True).stdout.decode()
    assert 'PBES2' in asn1 and 'aes-256-cbc' in asn1 and 'hmacWithSHA256' in asn1
    assert int(re.search(r'PBKDF2\n(?:.*\n){2}.*INTEGER\s*:([0-9A-F]+)', asn1).group(1), 16) >= 600000
    assert mode(str(key_path)) == 0o600
    assert run_module('docker_tls_pki', args(pki, ca_passphrase=secret))['changed'] is False


def key_of(path):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    with open(path, 'rb') as handle:
        return load_pem_private_key(handle.read(), password=None)


def test_ca_keeps_its_key_type_unless_one_is_set_and_replacing_the_ca_is_explicit(tmp_path):
    """Changing the leaves' key type once replaced the CA key silently (no backup), stranding every host; then a
    role default (ecdsa) refused every RSA fleet's CA on upgrade."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    pki = tmp_path / 'pki'
    first = run_module('docker_tls_pki', args(pki, key_type='rsa'))  # a CA made as before ca_key_type: RSA
    assert first['ca']['changed'] and isinstance(key_of(str(pki / 'ca-key.pem')), rsa.RSAPrivateKey)
    ca_before, ca_key_before = (pki / 'ca.pem').read_bytes(), (pki / 'ca-key.pem').read_bytes()

    # The leaves move to ECDSA, ca_key_type not set: the CA keeps its RSA key, the leaves are re-issued.
    for check in (True, False):
        leaves = run_module('docker_tls_pki', args(pki, key_type='ecdsa'), check=check)
        assert not leaves.failed and leaves['ca']['changed'] is False, leaves
        assert leaves['servers']['docker1']['reasons'] == ['key_type_changed']
        assert (pki / 'ca.pem').read_bytes() == ca_before and (pki / 'ca-key.pem').read_bytes() == ca_key_before
    assert isinstance(key_of(str(pki / 'hosts/docker1/server-key.pem')), ec.EllipticCurvePrivateKey)
    cert(str(pki / 'hosts/docker1/server-cert.pem')).verify_directly_issued_by(cert(str(pki / 'ca.pem')))
    assert run_module('docker_tls_pki', args(pki, key_type='ecdsa'))['changed'] is False

    # Another type asked explicitly: refused, nothing written.
    refused = run_module('docker_tls_pki', args(pki, key_type='ecdsa', ca_key_type='ecdsa'))
    assert refused.failed and refused['msg'].startswith('ca_key_type: the CA key %s/ca-key.pem is rsa (2048), but '
                                                        'ecdsa (secp256r1) is asked' % pki), refused['msg']
    assert 'ca_replace: true' in refused['msg'] and 'docker_pki_ca_key_type' in refused['msg']
    assert (pki / 'ca.pem').read_bytes() == ca_before and (pki / 'ca-key.pem').read_bytes() == ca_key_before
    assert sorted(os.listdir(str(pki))) == ['ca-key.pem', 'ca.pem', 'clients', 'hosts']

    # Explicitly replaced: the old CA certificate and key are kept first (the key's backup 0600), then all re-issued.
    replaced = run_module('docker_tls_pki', args(pki, key_type='ecdsa', ca_key_type='ecdsa', ca_replace=True))
    assert replaced['ca']['changed'] and replaced['ca']['reasons'] == ['key_type_changed']
    assert isinstance(key_of(str(pki / 'ca-key.pem')), ec.EllipticCurvePrivateKey)
    backups = dict((os.path.basename(b).split('.')[0], b) for b in replaced['ca']['backups'])
    assert open(backups['ca'], 'rb').read() == ca_before
    assert open(backups['ca-key'], 'rb').read() == ca_key_before and mode(backups['ca-key']) == 0o600
    cert(str(pki / 'hosts/docker1/server-cert.pem')).verify_directly_issued_by(cert(str(pki / 'ca.pem')))
    assert replaced['servers']['docker1']['reasons'] == ['ca_changed']
    again = run_module('docker_tls_pki', args(pki, key_type='ecdsa', ca_key_type='ecdsa', ca_replace=True))
    assert again['changed'] is False and again['ca']['backups'] == []
    # ca_key_type unset again: the (new) CA is kept as it is, whatever the leaves' type.
    assert run_module('docker_tls_pki', args(pki, key_type='rsa'))['ca']['changed'] is False


def test_new_ca_without_ca_key_type_is_made_as_before(tmp_path):
    """A new CA with ca_key_type unset gets the leaves' key type and size, as main made it."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    run_module('docker_tls_pki', args(tmp_path / 'a', key_type='rsa', key_size=3072))
    key = key_of(str(tmp_path / 'a' / 'ca-key.pem'))
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072
    run_module('docker_tls_pki', args(tmp_path / 'b', key_type='ed25519'))
    assert isinstance(key_of(str(tmp_path / 'b' / 'ca-key.pem')), ed25519.Ed25519PrivateKey)


def test_re_issued_server_certificate_reports_and_warns_about_dropped_sans(tmp_path):
    """The server certificate names only what clients dial now: the addresses an older one carried must not
    vanish without a word."""
    pki = tmp_path / 'pki'
    old_sans = ['DNS:docker1', 'IP:127.0.0.1', 'IP:10.0.0.5', 'IP:2001:db8::5']
    first = run_module('docker_tls_pki', args(pki, servers=[{'name': 'docker1', 'subject_alt_names': old_sans}]))
    assert first['servers']['docker1']['removed_sans'] == [] and not first.get('warnings')
    for check in (True, False):
        result = run_module('docker_tls_pki', args(pki), check=check)
        server = result['servers']['docker1']
        assert server['reasons'] == ['san_changed'] and server['removed_sans'] == ['IP:10.0.0.5', 'IP:2001:db8::5']
        # (a warning is a string, or an event dict on newer ansible-core)
        warnings = [str(w) for w in result.get('warnings') or []]
        assert len(warnings) == 1 and 'docker1 (IP:10.0.0.5, IP:2001:db8::5)' in warnings[0], warnings
        assert 'docker_tls_extra_sans' in warnings[0]
    again = run_module('docker_tls_pki', args(pki))
    assert again['servers']['docker1']['removed_sans'] == [] and not again.get('warnings')


def test_missing_ca_key_beside_its_certificate_is_not_replaced_silently(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', args(pki))
    ca_before = (pki / 'ca.pem').read_bytes()
    os.unlink(str(pki / 'ca-key.pem'))
    refused = run_module('docker_tls_pki', args(pki))
    assert refused.failed and 'there is no CA key' in refused['msg'] and refused['msg'].startswith('ca_key_type: ')
    assert (pki / 'ca.pem').read_bytes() == ca_before


# The CA rollover on disk: a revoked client (or ca_rollover) starts it, the phases follow the hosts' reports, a
# run that died resumes, and the end leaves the old CA archived and trusted nowhere. That daemons and clients
# stay connected through it is shown by the Molecule scenario lifecycle.

SERVERS = [{'name': 'docker1', 'subject_alt_names': ['DNS:docker1']},
           {'name': 'docker2', 'subject_alt_names': ['DNS:docker2']}]


def certs(path):
    return x509.load_pem_x509_certificates(path.read_bytes())


def issued_by(path, ca_path):
    try:
        certs(path)[0].verify_directly_issued_by(certs(ca_path)[0])
        return True
    except Exception:  # noqa: BLE001 - any failure means not issued by it
        return False


def pki_args(pki, clients, **extra):
    result = {'dir': str(pki), 'servers': SERVERS, 'clients': clients}
    result.update(extra)
    return result


def report(pki, phase, *hosts):
    for host in hosts:
        done = run_module('docker_tls_pki', {'dir': str(pki), 'rollover_host_done': host, 'rollover_phase': phase})
        assert done['rollover']['recorded'] and host in done['rollover']['done']


ALL = [{'name': 'admin'}, {'name': 'ci'}, {'name': 'alice'}]
WITHOUT_ALICE = [{'name': 'admin'}, {'name': 'ci'}, {'name': 'alice', 'state': 'absent'}]


def test_absent_client_rolls_the_ca_over_through_its_phases(tmp_path):
    pki = tmp_path / 'pki'
    first = run_module('docker_tls_pki', pki_args(pki, ALL))
    assert first['rollover']['phase'] == 'none' and not (pki / 'rollover.json').exists()
    old_ca = (pki / 'ca.pem').read_bytes()
    old_key = (pki / 'ca-key.pem').read_bytes()

    start = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    roll = start['rollover']
    assert roll['started'] and roll['phase'] == 'trust-both' and roll['revoked'] == ['alice']
    assert roll['reasons'] == ['ca_rollover', 'client_revoked'] == start['ca']['reasons']
    assert roll['pending'] == ['docker1', 'docker2'] and roll['host_ca'] == str(pki / 'ca-bundle.pem')
    assert start['clients']['alice'] == {'state': 'absent', 'reasons': ['client_revoked'], 'changed': False}
    # The old CA kept (key 0600), a new one in its place; servers from the new CA, clients still the old one's.
    assert (pki / 'ca-previous.pem').read_bytes() == old_ca and (pki / 'ca-previous-key.pem').read_bytes() == old_key
    assert mode(pki / 'ca-previous-key.pem') == 0o600 and (pki / 'ca.pem').read_bytes() != old_ca
    assert (pki / 'ca-key.pem').read_bytes() != old_key
    assert start['servers']['docker1']['reasons'] == ['ca_changed', 'ca_rollover']
    assert issued_by(pki / 'hosts/docker1/server-cert.pem', pki / 'ca.pem')
    assert issued_by(pki / 'clients/admin/cert.pem', pki / 'ca-previous.pem')
    both = (pki / 'ca.pem').read_bytes() + old_ca
    assert (pki / 'ca-bundle.pem').read_bytes() == both == (pki / 'clients/admin/ca.pem').read_bytes()
    assert (pki / 'clients/alice').is_dir()  # removed at the end, when nothing trusts it any more
    assert mode(pki / 'rollover.json') == 0o600

    again = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert again['changed'] is False and again['rollover']['pending'] == ['docker1', 'docker2']

    report(pki, 'trust-both', 'docker1')
    waiting = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert waiting['changed'] is False and waiting['rollover']['phase'] == 'trust-both'
    assert waiting['rollover']['pending'] == ['docker2']
    report(pki, 'trust-both', 'docker2')

    drop = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert drop['rollover']['phase'] == 'drop-old' and drop['rollover']['pending'] == ['docker1', 'docker2']
    assert drop['rollover']['host_ca'] == str(pki / 'ca.pem')
    assert drop['clients']['admin']['reasons'] == ['ca_changed', 'ca_rollover']
    assert issued_by(pki / 'clients/ci/cert.pem', pki / 'ca.pem')
    assert (pki / 'clients/ci/ca.pem').read_bytes() == (pki / 'ca.pem').read_bytes()
    assert run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))['changed'] is False

    report(pki, 'drop-old', 'docker1', 'docker2')
    done = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert done['rollover']['finished'] and done['rollover']['phase'] == 'none'
    assert done['clients']['alice'] == {'state': 'absent', 'reasons': ['client_revoked'], 'changed': True}
    assert not (pki / 'clients/alice').exists() and not (pki / 'rollover.json').exists()
    assert not (pki / 'ca-previous.pem').exists() and not (pki / 'ca-bundle.pem').exists()
    archived = done['rollover']['archived']
    assert len(archived) == 2 and mode(pki / 'archive') == 0o700
    assert all(mode(path) == 0o600 for path in archived)
    assert [p for p in archived if p.endswith('-key.pem')] and (pki / 'archive').exists()
    assert any(open(p, 'rb').read() == old_key for p in archived)

    final = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert final['changed'] is False and final['rollover']['phase'] == 'none' and 'alice' not in final['clients']


def test_a_run_that_died_after_the_record_makes_the_new_ca(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    old_ca = (pki / 'ca.pem').read_bytes()
    run_module('docker_tls_pki', pki_args(pki, ALL, ca_rollover=True))
    # As if the run died between the record and the new CA: ca.pem is still the old one.
    (pki / 'ca.pem').write_bytes(old_ca)
    (pki / 'ca-key.pem').write_bytes((pki / 'ca-previous-key.pem').read_bytes())
    resumed = run_module('docker_tls_pki', pki_args(pki, ALL))
    assert resumed['rollover']['phase'] == 'trust-both' and not resumed['rollover']['started']
    assert resumed['ca']['reasons'] == ['ca_rollover'] and (pki / 'ca.pem').read_bytes() != old_ca
    assert issued_by(pki / 'hosts/docker2/server-cert.pem', pki / 'ca.pem')
    assert (pki / 'ca-previous.pem').read_bytes() == old_ca


def test_planned_rollover_revoke_unlisted_and_a_host_left_out(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    admin_only = [{'name': 'admin'}]
    unchanged = run_module('docker_tls_pki', pki_args(pki, admin_only))
    assert unchanged['changed'] is False and unchanged['rollover']['phase'] == 'none'
    planned = run_module('docker_tls_pki', pki_args(pki, admin_only, revoke_unlisted=True), check=True)
    assert planned['rollover']['started'] and planned['rollover']['revoked'] == ['alice', 'ci']
    assert not (pki / 'rollover.json').exists() and not (pki / 'ca-previous.pem').exists()  # check mode
    start = run_module('docker_tls_pki', pki_args(pki, ALL, ca_rollover=True))
    assert start['rollover']['reasons'] == ['ca_rollover'] and start['rollover']['revoked'] == []
    # A stale report (another phase) records nothing.
    stale = run_module('docker_tls_pki', {'dir': str(pki), 'rollover_host_done': 'docker1',
                                          'rollover_phase': 'drop-old'})
    assert stale['changed'] is False and stale['rollover']['recorded'] is False
    report(pki, 'trust-both', 'docker1')
    # docker2 was in the rollover when it started: a run without it (--limit) does not go on.
    limited = run_module('docker_tls_pki', dict(pki_args(pki, ALL), servers=SERVERS[:1]))
    assert limited['rollover']['phase'] == 'trust-both' and limited['rollover']['pending'] == ['docker2']
    record = json.loads((pki / 'rollover.json').read_text())
    assert record['done'] == ['docker1'] and record['hosts'] == ['docker1', 'docker2']


def test_bad_state_names_the_entry(tmp_path):
    pki = tmp_path / 'pki'
    failed = run_module('docker_tls_pki', pki_args(pki, [{'name': 'admin', 'state': 'gone'}]))
    assert failed.get('failed') and 'state' in failed['msg'] and not pki.exists()
    failed = run_module('docker_tls_pki', {'dir': str(pki), 'rollover_host_done': 'docker1'})
    assert failed.get('failed') and 'rollover_phase' in failed['msg']


def test_a_client_listed_again_before_the_end_keeps_its_re_issued_bundle(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    report(pki, 'trust-both', 'docker1', 'docker2')
    leaked_key = (pki / 'clients/alice/key.pem').read_bytes()
    back = run_module('docker_tls_pki', pki_args(pki, ALL))
    assert back['rollover']['phase'] == 'drop-old'
    # Her key may have leaked with the certificate revoked for it: a new one, once, and a warning.
    assert back['clients']['alice']['reasons'] == ['regenerate_key', 'ca_changed', 'ca_rollover']
    assert (pki / 'clients/alice/key.pem').read_bytes() != leaked_key and back['rollover']['rekeyed'] == ['alice']
    warnings = [str(w) for w in back.get('warnings') or []]
    assert any('alice: revoked by the CA rollover in progress and listed present again' in w for w in warnings)
    assert back['rollover']['revoked'] == [] and 'alice' not in json.loads((pki / 'rollover.json').read_text())['revoked']
    again = run_module('docker_tls_pki', pki_args(pki, ALL))
    assert again['changed'] is False and again['rollover']['rekeyed'] == []
    report(pki, 'drop-old', 'docker1', 'docker2')
    done = run_module('docker_tls_pki', pki_args(pki, ALL))
    assert done['rollover']['finished'] and issued_by(pki / 'clients/alice/cert.pem', pki / 'ca.pem')


def test_a_rollover_started_under_limit_waits_for_the_hosts_left_out(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    # secure_docker.yml --limit docker1 revokes alice: docker2 (on disk) is in the rollover too.
    limited = dict(pki_args(pki, WITHOUT_ALICE), servers=SERVERS[:1])
    start = run_module('docker_tls_pki', limited)
    assert start['rollover']['started'] and start['rollover']['pending'] == ['docker1', 'docker2']
    report(pki, 'trust-both', 'docker1')
    held = run_module('docker_tls_pki', limited)
    assert held['rollover']['phase'] == 'trust-both' and held['rollover']['pending'] == ['docker2']
    assert (pki / 'clients/alice').exists() and (pki / 'ca-previous.pem').exists()
    assert json.loads((pki / 'rollover.json').read_text())['hosts'] == ['docker1', 'docker2']


WITHOUT_CI_AND_ALICE = [{'name': 'admin'}, {'name': 'ci', 'state': 'absent'}, {'name': 'alice', 'state': 'absent'}]


def test_a_client_revoked_in_drop_old_is_not_reported_revoked_and_gets_a_rollover_of_its_own(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    report(pki, 'trust-both', 'docker1', 'docker2')
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))  # drop-old: ci re-issued by the new CA
    report(pki, 'drop-old', 'docker1')
    late = run_module('docker_tls_pki', pki_args(pki, WITHOUT_CI_AND_ALICE))
    assert late['clients']['ci'] == {'state': 'absent', 'reasons': [], 'changed': False}
    assert late['rollover']['revoked_next'] == ['ci'] and late['rollover']['revoked'] == ['alice']
    warnings = [str(w) for w in late.get('warnings') or []]
    assert any('clients[1].state (ci)' in w and 'must finish first' in w for w in warnings), warnings
    report(pki, 'drop-old', 'docker2')
    done = run_module('docker_tls_pki', pki_args(pki, WITHOUT_CI_AND_ALICE))
    assert done['rollover']['finished'] and not (pki / 'clients/alice').exists()
    # ci's certificate is the CA's that stays: the same run starts the rollover that revokes it.
    assert done['clients']['ci']['reasons'] == [] and (pki / 'clients/ci').exists()
    assert done['rollover']['started'] and done['rollover']['phase'] == 'trust-both'
    assert done['rollover']['revoked'] == ['ci'] and done['rollover']['pending'] == ['docker1', 'docker2']
    assert any('A rollover of their own has started' in w for w in map(str, done.get('warnings') or []))
    assert (pki / 'ca-previous.pem').read_bytes() == (pki / 'ca.pem').read_bytes()
    ci_cert = (pki / 'clients/ci/cert.pem').read_bytes()
    assert issued_by(pki / 'clients/ci/cert.pem', pki / 'ca.pem')
    # Carried out like any other: ci's bundle removed at the end, its certificate's CA archived.
    nxt = run_module('docker_tls_pki', pki_args(pki, WITHOUT_CI_AND_ALICE))
    assert nxt['clients']['ci']['reasons'] == ['client_revoked'] and nxt['ca']['reasons'] == ['ca_rollover', 'client_revoked']
    report(pki, 'trust-both', 'docker1', 'docker2')
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_CI_AND_ALICE))
    report(pki, 'drop-old', 'docker1', 'docker2')
    final = run_module('docker_tls_pki', pki_args(pki, WITHOUT_CI_AND_ALICE))
    assert final['rollover']['finished'] and not final['rollover']['started']
    assert final['rollover']['phase'] == 'none'
    assert not (pki / 'clients/ci').exists()
    (tmp_path / 'ci-cert.pem').write_bytes(ci_cert)
    assert not issued_by(tmp_path / 'ci-cert.pem', pki / 'ca.pem')


def test_a_rollover_held_back_by_a_host_not_in_the_play_warns_and_its_last_play_fails(tmp_path):
    pki = tmp_path / 'pki'
    gone = {'name': 'gone', 'subject_alt_names': ['DNS:gone']}
    local = {'name': 'localhost', 'subject_alt_names': ['DNS:localhost']}
    run_module('docker_tls_pki', pki_args(pki, ALL, servers=[local, gone], ca_rollover=True))
    run_module('docker_tls_pki', pki_args(pki, ALL, servers=[local, gone], ca_rollover=True))
    report(pki, 'trust-both', 'localhost')
    # gone was decommissioned (out of the inventory) but its hosts/gone is still there.
    held = run_module('docker_tls_pki', pki_args(pki, ALL, servers=[local]))
    assert held['rollover']['phase'] == 'trust-both' and held['rollover']['pending'] == ['gone']
    warnings = [str(w) for w in held.get('warnings') or []]
    assert any('waits for gone' in w and str(pki / 'hosts/gone') in w for w in warnings), warnings
    # The last play of ca_rollover_phases.yml: the advance, then no success while the rollover is unfinished.
    (tmp_path / 'hosts.yml').write_text('docker_hosts:\n  hosts:\n    localhost:\n      ansible_connection: local\n')
    (tmp_path / 'play.yml').write_text('''- hosts: docker_hosts
  gather_facts: true
  gather_subset: ['!all', 'min']
  vars:
    docker_pki_dir: %s
    docker_tls_clients: [{name: admin}, {name: ci}, {name: alice}]
  tasks:
    - ansible.builtin.import_role: {name: tprov.docker.pki, tasks_from: rollover.yml}
    - ansible.builtin.import_role: {name: tprov.docker.pki, tasks_from: rollover_unfinished.yml}
''' % pki)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i',
                           str(tmp_path / 'hosts.yml'), str(tmp_path / 'play.yml')],
                          capture_output=True, text=True, env=env, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert 'The CA rollover is not finished (phase trust-both; hosts still to do: gone)' in out, out
    assert 'gone is in it but not in this run: run without --limit' in out and str(pki) + '/hosts/NAME' in out, out


def test_a_tampered_record_fails_naming_it_and_removes_nothing(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    victim = tmp_path / 'victim'
    victim.mkdir()
    for record in ({'phase': 'trust-both', 'done': 5, 'hosts': ['docker1']}, ['x'],
                   {'phase': 'drop-old', 'hosts': ['docker1', 'docker2'], 'done': ['docker1', 'docker2'],
                    'revoked': ['../../victim'], 'reasons': ['ca_rollover']}):
        (pki / 'rollover.json').write_text(json.dumps(record))
        for run in (pki_args(pki, ALL), {'dir': str(pki), 'rollover_host_done': 'docker1',
                                         'rollover_phase': 'drop-old'}):
            failed = run_module('docker_tls_pki', run)
            assert failed.get('failed') and str(pki / 'rollover.json') in failed['msg'], failed
            assert 'not the JSON a rollover writes' in failed['msg']
    assert victim.exists() and (pki / 'clients/alice').exists()


def test_an_absent_client_with_nothing_on_disk_warns_unless_a_rollover_revoked_it(tmp_path):
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', pki_args(pki, ALL))
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    report(pki, 'trust-both', 'docker1', 'docker2')
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    report(pki, 'drop-old', 'docker1', 'docker2')
    run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert json.loads((pki / 'archive/revoked.json').read_text()) == ['alice']
    assert mode(pki / 'archive/revoked.json') == 0o600
    # alice's revocation is done: absent and gone from disk, nothing to say.
    after = run_module('docker_tls_pki', pki_args(pki, WITHOUT_ALICE))
    assert after['changed'] is False and not after.get('warnings'), after.get('warnings')
    # ci's bundle was deleted by hand (a copy may live on): nothing on disk to revoke, and the run says so.
    shutil.rmtree(str(pki / 'clients/ci'))
    gone = run_module('docker_tls_pki', pki_args(pki, WITHOUT_CI_AND_ALICE))
    assert gone['rollover']['phase'] == 'none' and not gone['rollover']['started']
    warnings = [str(w) for w in gone.get('warnings') or []]
    assert len(warnings) == 1 and 'clients[1] (ci): state is absent' in warnings[0] and 'rotate_ca.yml' in warnings[0]


@pytest.mark.parametrize('target,mode_bits', [('', 0o770), ('', 0o707), ('ca.pem', 0o664), ('ca-key.pem', 0o620)])
def test_a_pki_another_user_could_write_is_refused_and_left_as_it_is(tmp_path, target, mode_bits):
    """Whoever can put a CA of their own in the PKI has every later certificate signed by it."""
    pki = tmp_path / 'pki'
    run_module('docker_tls_pki', args(pki))
    os.chmod(str(pki / target) if target else str(pki), mode_bits)
    before = sorted((p.relative_to(pki), p.read_bytes()) for p in pki.rglob('*.pem'))
    result = run_module('docker_tls_pki', args(pki, force=True))
    assert result.failed and 'another user could put a CA of their own there' in result['msg'], result
    assert 'chmod go-w' in result['msg'] and str(pki / target if target else pki) in result['msg']
    assert sorted((p.relative_to(pki), p.read_bytes()) for p in pki.rglob('*.pem')) == before


@pytest.mark.parametrize('mode_bits,refused', [(0o775, True), (0o757, True), (0o1777, False), (0o755, False)])
def test_a_pki_under_a_directory_another_user_could_write_is_refused(tmp_path, mode_bits, refused):
    """Whoever can write a directory above the PKI can move it away and put one with their own CA in its place;
    a sticky directory (as /tmp) keeps others from renaming what they do not own."""
    parent = tmp_path / 'shared' / 'deeper'
    parent.mkdir(parents=True)
    pki = parent / 'pki'
    assert not run_module('docker_tls_pki', args(pki)).failed
    os.chmod(str(tmp_path / 'shared'), mode_bits)
    try:
        before = sorted((p.relative_to(pki), p.read_bytes()) for p in pki.rglob('*.pem'))
        result = run_module('docker_tls_pki', args(pki, force=True))
        if refused:
            assert result.failed, result
            assert '%s, above the PKI directory %s' % (tmp_path / 'shared', pki) in result['msg'], result['msg']
            assert 'chmod go-w' in result['msg'] and '%04o' % mode_bits in result['msg']
            assert sorted((p.relative_to(pki), p.read_bytes()) for p in pki.rglob('*.pem')) == before
        else:
            assert not result.failed and result['changed'], result
    finally:
        os.chmod(str(tmp_path / 'shared'), 0o755)


def test_a_pki_reached_through_a_symlink_is_checked_where_it_resolves(tmp_path):
    """The directories the symlink leads through count as well as those of the path as given."""
    shared = tmp_path / 'shared'
    (shared / 'real').mkdir(parents=True)
    os.chmod(str(shared), 0o777)
    (tmp_path / 'mine').mkdir()
    os.symlink(str(shared / 'real'), str(tmp_path / 'mine' / 'link'))
    try:
        result = run_module('docker_tls_pki', args(tmp_path / 'mine' / 'link' / 'pki'))
        assert result.failed and '%s, above the PKI directory' % shared in result['msg'], result
        assert not (shared / 'real' / 'pki' / 'ca.pem').exists()
    finally:
        os.chmod(str(shared), 0o755)
