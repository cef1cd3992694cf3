"""docker_tls_pki's CA rollover on disk: a revoked client (or ca_rollover) starts it, the phases follow the
hosts' reports, a run that died resumes, and the end leaves the old CA archived and trusted nowhere.

That daemons and clients stay connected through it is shown by the Molecule scenario lifecycle."""

import json
import os
import stat

from cryptography import x509

from tprov_testlib import run_module

SERVERS = [{'name': 'docker1', 'subject_alt_names': ['DNS:docker1']},
           {'name': 'docker2', 'subject_alt_names': ['DNS:docker2']}]


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


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
