"""check-certs.yml's rows and table (filters docker_cert_check and docker_cert_table)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_cert_check, docker_cert_table

GOOD = dict(subject='CN=docker1', not_after='2027-11-30T12:00:00Z', days_left=364, expired=False, expiring=False,
            not_yet_valid=False, chains_to_ca=True, matches_file=True, handshake=False, warn_days=30,
            issuer='CN=tprov.docker CA', fingerprint_sha256='AB:CD')
CLIENT = dict(GOOD, handshake=True, matches_file=None, subject='CN=docker1',
              client_certificate=dict(GOOD, subject='CN=ci', days_left=9, expiring=True),
              invocation={'module_args': {'client_cert': '/pki/clients/ci/cert.pem'}})


def test_a_good_served_certificate_has_no_problem():
    row = docker_cert_check(GOOD, 'docker1', 'served')
    assert row == dict(host='docker1', what='served', subject='CN=docker1', not_after='2027-11-30T12:00:00Z',
                       days_left=364, problem='')


@pytest.mark.parametrize('change,problem', [
    (dict(days_left=9, expiring=True), 'expires in 9 days (docker_pki_warn_days: 30)'),
    (dict(days_left=-2, expiring=True, expired=True), 'expired'),
    (dict(chains_to_ca=False), 'not issued by the current CA (issuer CN=tprov.docker CA)'),
    (dict(matches_file=False), 'differs from the certificate on disk (fingerprint AB:CD)'),
    (dict(handshake=True), 'accepts a client without a certificate'),
    (dict(chains_to_ca=False, matches_file=False),
     'not issued by the current CA (issuer CN=tprov.docker CA); differs from the certificate on disk (fingerprint AB:CD)'),
])
def test_each_problem_of_a_served_certificate_is_named(change, problem):
    assert docker_cert_check(dict(GOOD, **change), 'docker1')['problem'] == problem


def test_a_daemon_without_tlsverify_may_accept_anyone_when_asked():
    assert docker_cert_check(dict(GOOD, handshake=True), 'docker1', require_client_cert=False)['problem'] == ''


def test_a_client_row_is_about_the_bundle_and_named_after_its_directory():
    row = docker_cert_check(CLIENT, 'docker1', client=True)
    assert (row['what'], row['subject'], row['days_left']) == ('client ci', 'CN=ci', 9)
    assert row['problem'] == 'expires in 9 days (docker_pki_warn_days: 30)'
    refused = docker_cert_check(dict(CLIENT, handshake=False, handshake_error_kind='tls_client_rejected'), 'docker1',
                                client=True)
    assert refused['problem'].endswith('refused by the daemon (tls_client_rejected)')


def test_a_failed_run_is_a_problem_with_its_kind():
    row = docker_cert_check({'failed': False, 'msg': 'connection refused', 'error_kind': 'refused'}, 'docker1')
    assert row['problem'] == 'not read: connection refused (refused)' and row['subject'] == ''
    with pytest.raises(AnsibleFilterError):
        docker_cert_check('nope', 'docker1')


def test_the_table_aligns_its_columns():
    lines = docker_cert_table([docker_cert_check(GOOD, 'docker1'),
                               docker_cert_check(dict(GOOD, days_left=9, expiring=True), 'd2', 'served')])
    assert lines[0].split() == ['host', 'what', 'subject', 'not_after', 'days', 'left', 'problem']
    assert lines[1] == 'docker1  served  CN=docker1  2027-11-30T12:00:00Z  364'
    assert lines[2] == 'd2       served  CN=docker1  2027-11-30T12:00:00Z  9          expires in 9 days (docker_pki_warn_days: 30)'
    assert docker_cert_table([]) == ['host  what  subject  not_after  days left  problem']
