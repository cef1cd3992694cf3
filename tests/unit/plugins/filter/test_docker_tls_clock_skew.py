"""Clock skew between the controller and a Docker host: certificates are back-dated one hour, and
the daemon role's failure message names a larger difference."""

import datetime

import pytest

from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_clock_skew_note
from ansible_collections.tprov.docker.plugins.module_utils import tls_cert as tc


@pytest.mark.parametrize('kind', ['ca', 'server', 'client'])
def test_certificates_are_valid_from_one_hour_before_issue(tmp_path, kind):
    now = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)
    ca_plan = tc.CertificatePlan(tc.CertificateRequest('ca'), str(tmp_path / 'ca.pem'), str(tmp_path / 'ca-key.pem'),
                                 now=now)
    ca_key, ca_cert = ca_plan.issue()
    with open(ca_plan.key_path, 'wb') as handle:
        handle.write(ca_plan.key_pem(ca_key))
    with open(ca_plan.path, 'wb') as handle:
        handle.write(tc.cert_pem(ca_cert))
    if kind == 'ca':
        cert = ca_cert
    else:
        extra = {'subject_alt_names': ['IP:127.0.0.1']} if kind == 'server' else {'common_name': 'admin'}
        plan = tc.CertificatePlan(tc.CertificateRequest(kind, **extra), str(tmp_path / 'c.pem'),
                                  str(tmp_path / 'k.pem'), ca_path=ca_plan.path, ca_key_path=ca_plan.key_path, now=now)
        cert = plan.issue()[1]
    assert tc.not_before(cert) == now - datetime.timedelta(hours=1)
    # A host 59 minutes behind already accepts the certificate.
    assert tc.not_before(cert) <= now - datetime.timedelta(minutes=59)


@pytest.mark.parametrize('host,needle', [
    (1000000 - 2 * 3600 - 300, "clock is 2 h 05 min behind the controller's"),
    (1000000 + 3 * 3600, "clock is 3 h 00 min ahead of the controller's"),
])
def test_the_failure_message_names_a_clock_difference_beyond_the_back_dating(host, needle):
    note = docker_clock_skew_note(str(host), 1000000)
    assert needle in note and 'NTP' in note


@pytest.mark.parametrize('host', ['999000', 1000000 + 3500, '', 'date: not found'])
def test_no_note_within_the_back_dating_or_without_a_reading(host):
    assert docker_clock_skew_note(host, 1000000) == ''
