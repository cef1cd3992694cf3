"""docker_tls_info's judgement of a certificate, without a network: days left, CA, names, settings."""

import datetime

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert as tc
from ansible_collections.tprov.docker.plugins.module_utils import tls_info as ti
from ansible_collections.tprov.docker.plugins.module_utils.errors import ConnectionSettingsError

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)


def issue(kind, tmp_path, name, ca=None, sans=None, valid_days=365, now=NOW, **kw):
    """A (certificate, paths) issued by tls_cert itself, as the pki role makes them."""
    req = tc.CertificateRequest(kind, subject_alt_names=sans, valid_days=valid_days, **kw)
    plan = tc.CertificatePlan(req, str(tmp_path / ('%s.pem' % name)), str(tmp_path / ('%s-key.pem' % name)),
                              ca_path=ca and ca[0], ca_key_path=ca and ca[1], now=now)
    key, cert = plan.issue()
    with open(plan.path, 'wb') as handle:
        handle.write(tc.cert_pem(cert))
    with open(plan.key_path, 'wb') as handle:
        handle.write(plan.key_pem(key))
    return cert, (plan.path, plan.key_path)


@pytest.fixture
def pki(tmp_path):
    ca, ca_paths = issue('ca', tmp_path, 'ca')
    other, other_paths = issue('ca', tmp_path, 'other-ca', common_name='other CA')
    server = issue('server', tmp_path, 'server', ca=ca_paths,
                   sans=['IP:192.0.2.10', 'DNS:docker1.example.test', 'DNS:*.wild.example.test'])[0]
    return dict(ca=ca, other=other, server=server, ca_paths=ca_paths, other_paths=other_paths, tmp=tmp_path)


def test_days_left_are_whole_days_rounded_down_and_expiring_is_below_warn_days(pki):
    end = tc.not_after(pki['server'])
    for before, days, expiring in ((datetime.timedelta(days=10, hours=1), 10, True),
                                   (datetime.timedelta(days=30), 30, False),
                                   (datetime.timedelta(days=29, hours=23), 29, True)):
        report = ti.certificate_report(pki['server'], end - before, 30)
        assert (report['days_left'], report['expiring'], report['expired']) == (days, expiring, False), before
    gone = ti.certificate_report(pki['server'], end + datetime.timedelta(hours=1), 30)
    assert gone['days_left'] == -1 and gone['expired'] and gone['expiring']
    early = ti.certificate_report(pki['server'], tc.not_before(pki['server']) - datetime.timedelta(minutes=1), 30)
    assert early['not_yet_valid'] is True


def test_chains_to_ca_reads_a_bundle_and_says_null_without_a_ca(pki):
    assert ti.certificate_report(pki['server'], NOW, 30)['chains_to_ca'] is None
    assert ti.certificate_report(pki['server'], NOW, 30, [pki['ca']])['chains_to_ca'] is True
    assert ti.certificate_report(pki['server'], NOW, 30, [pki['other']])['chains_to_ca'] is False
    # A trust bundle during a CA rollover: old and new CA in one file.
    bundle = pki['tmp'] / 'bundle.pem'
    bundle.write_bytes(open(pki['other_paths'][0], 'rb').read() + open(pki['ca_paths'][0], 'rb').read())
    cas = ti.load_certificates(str(bundle), 'ca_path')
    assert len(cas) == 2 and tc.issued_by(pki['server'], cas)


def test_a_ca_with_the_same_name_but_another_key_did_not_issue_it(tmp_path, pki):
    # The rollover case: a new CA keeps the common name; only the signature tells them apart.
    same_name = issue('ca', tmp_path, 'new-ca')[0]
    assert same_name.subject == pki['ca'].subject
    assert tc.issued_by(pki['server'], [same_name]) is False


@pytest.mark.parametrize('name,matches', [
    ('192.0.2.10', True), ('[192.0.2.10]', True), ('192.0.2.11', False),
    ('docker1.example.test', True), ('DOCKER1.example.test.', True), ('docker2.example.test', False),
    ('a.wild.example.test', True), ('a.b.wild.example.test', False), ('wild.example.test', False),
    ('docker1.example.test.evil', False),
])
def test_name_matches_like_the_docker_cli(pki, name, matches):
    assert ti.name_matches(pki['server'], name) is matches


@pytest.mark.parametrize('params,words', [
    ({}, 'docker_host is required'),
    ({'docker_host': 'unix:///var/run/docker.sock'}, 'tcp://HOST:PORT'),
    ({'docker_host': 'tcp://'}, 'is not an address'),
    ({'docker_host': 'tcp://h:2376', 'client_cert': '/x'}, 'client_cert and client_key go together'),
    ({'docker_host': 'tcp://h:2376', 'ca_path': '/nonexistent/ca.pem'}, 'ca_path: no file at /nonexistent/ca.pem'),
    ({'docker_host': 'tcp://h:2376', 'validate_certs': True}, 'validate_certs needs ca_path'),
    ({'docker_host': 'tcp://h:2376', 'timeout': 0}, 'timeout must be'),
])
def test_bad_settings_name_the_option(params, words):
    with pytest.raises(ConnectionSettingsError) as caught:
        ti.resolve_target(params)
    assert words in str(caught.value) and caught.value.kind == 'invalid_settings'


def test_the_target_defaults_to_port_2376_and_takes_ipv6():
    assert ti.resolve_target({'docker_host': 'tcp://docker1'}).base_url == 'https://docker1:2376'
    settings = ti.resolve_target({'docker_host': 'tcp://[::1]:3376', 'tls_hostname': 'docker1'})
    assert (settings.host, settings.base_url, settings.tls_hostname) == ('::1', 'https://[::1]:3376', 'docker1')


def test_a_docker_context_names_the_endpoint_and_its_files(tmp_path, monkeypatch):
    from ansible_collections.tprov.docker.plugins.module_utils import docker_context as dc
    config = tmp_path / 'dot-docker'
    meta = config / 'contexts' / 'meta' / dc.context_id('tprov-docker1')
    tls = config / 'contexts' / 'tls' / dc.context_id('tprov-docker1') / 'docker'
    meta.mkdir(parents=True)
    tls.mkdir(parents=True)
    (meta / 'meta.json').write_bytes(dc.dump_meta(dc.context_meta('tprov-docker1', 'tcp://docker1:2376', 'admin', 'd1')))
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (tls / name).write_text('x')
    monkeypatch.setenv('DOCKER_CONFIG', str(config))
    settings = ti.resolve_target({'docker_context': 'tprov-docker1', 'docker_host': 'tcp://elsewhere:2376'})
    assert (settings.base_url, settings.ca_path, settings.client_cert, settings.client_key) == (
        'https://docker1:2376', str(tls / 'ca.pem'), str(tls / 'cert.pem'), str(tls / 'key.pem'))
    with pytest.raises(ConnectionSettingsError) as caught:
        ti.resolve_target({'docker_context': 'no-such-context'})
    assert caught.value.kind == 'context_not_found'
