"""Certificate decisions without Ansible: requests, SANs, reasons, key handling."""

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert as tc


def write_issue(plan):
    key, cert = plan.issue()
    with open(plan.key_path, 'wb') as handle:
        handle.write(plan.key_pem(key))
    with open(plan.path, 'wb') as handle:
        handle.write(tc.cert_pem(cert))
    return key, cert


@pytest.fixture
def ca(tmp_path):
    req = tc.CertificateRequest('ca')
    plan = tc.CertificatePlan(req, str(tmp_path / 'ca.pem'), str(tmp_path / 'ca-key.pem'))
    write_issue(plan)
    return str(tmp_path / 'ca.pem'), str(tmp_path / 'ca-key.pem')


def server_plan(tmp_path, ca, sans=('IP:127.0.0.1',), now=None, **kw):
    req = tc.CertificateRequest('server', subject_alt_names=list(sans), **kw)
    return tc.CertificatePlan(req, str(tmp_path / 'server-cert.pem'), str(tmp_path / 'server-key.pem'),
                              ca_path=ca[0], ca_key_path=ca[1], now=now)


@pytest.mark.parametrize('text,expected', [
    ('IP:127.0.0.1', x509.IPAddress(ipaddress.ip_address('127.0.0.1'))),
    ('IP:::1', x509.IPAddress(ipaddress.ip_address('::1'))),
    ('ip:[fe80::1]', x509.IPAddress(ipaddress.ip_address('fe80::1'))),
    ('DNS:Docker.Example.com', x509.DNSName('docker.example.com')),
    ('DNS:*.example.com', x509.DNSName('*.example.com')),
    ('10.1.2.3', x509.IPAddress(ipaddress.ip_address('10.1.2.3'))),
    ('fe80::2', x509.IPAddress(ipaddress.ip_address('fe80::2'))),
    ('localhost', x509.DNSName('localhost')),
])
def test_parse_san(text, expected):
    assert tc.parse_san(text) == expected


@pytest.mark.parametrize('text', ['IP:300.1.1.1', 'DNS:bad name', 'URI:http://x', '', 'DNS:a.*.com',
                                  'DNS:-lead.example', 'DNS:' + 'a' * 64 + '.com', 'foo:bar'])
def test_bad_san_names_the_option(text):
    with pytest.raises(tc.CertificateError) as info:
        tc.parse_san(text)
    assert str(info.value).startswith('subject_alt_names')


@pytest.mark.parametrize('kwargs,needle', [
    (dict(kind='server'), 'subject_alt_names is required'),
    (dict(kind='client'), 'common_name is required'),
    (dict(kind='ca', key_type='dsa'), 'key_type'),
    (dict(kind='ca', key_type='rsa', key_size=1024), 'key_size'),
    (dict(kind='ca', curve='secp521r1'), 'curve'),
    (dict(kind='ca', valid_days=0), 'valid_days'),
    (dict(kind='ca', valid_days=10, renew_before_days=10), 'renew_before_days'),
    (dict(kind='ca', common_name='x' * 65), 'common_name'),
    (dict(kind='bogus'), 'kind'),
])
def test_bad_requests(kwargs, needle):
    with pytest.raises(tc.CertificateError) as info:
        tc.CertificateRequest(**kwargs)
    assert needle in str(info.value)


def test_ca_extensions(ca):
    cert = x509.load_pem_x509_certificate(open(ca[0], 'rb').read())
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)


def test_server_then_idempotent_then_san_change_keeps_key(tmp_path, ca):
    plan = server_plan(tmp_path, ca)
    assert plan.reasons() == ['key_missing', 'missing']
    key, cert = write_issue(plan)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_cert = x509.load_pem_x509_certificate(open(ca[0], 'rb').read())
    assert aki.key_identifier == ca_cert.extensions.get_extension_for_class(
        x509.SubjectKeyIdentifier).value.digest
    assert 0 < cert.serial_number < 2 ** 128
    assert server_plan(tmp_path, ca).reasons() == []
    changed = server_plan(tmp_path, ca, sans=('IP:127.0.0.1', 'DNS:docker.example.com'))
    assert changed.reasons() == ['san_changed'] and changed.keep_key
    new_key = changed.issue()[0]
    assert tc.same_public_key(new_key.public_key(), key.public_key())


def test_renewal_window_and_expiry(tmp_path, ca):
    write_issue(server_plan(tmp_path, ca))
    in_340_days = tc.utcnow() + datetime.timedelta(days=340)
    assert server_plan(tmp_path, ca, now=in_340_days).reasons() == ['expires_soon']
    in_two_years = tc.utcnow() + datetime.timedelta(days=730)
    assert 'expired' in server_plan(tmp_path, ca, now=in_two_years).reasons()


def test_new_ca_means_ca_changed(tmp_path, ca):
    write_issue(server_plan(tmp_path, ca))
    other = tmp_path / 'other'
    other.mkdir()
    ca_plan = tc.CertificatePlan(tc.CertificateRequest('ca'), str(other / 'ca.pem'), str(other / 'ca-key.pem'))
    write_issue(ca_plan)
    assert server_plan(tmp_path, (str(other / 'ca.pem'), str(other / 'ca-key.pem'))).reasons() == ['ca_changed']


def test_key_type_change_regenerates(tmp_path, ca):
    write_issue(server_plan(tmp_path, ca))
    plan = server_plan(tmp_path, ca, key_type='rsa', key_size=2048)
    assert 'key_type_changed' in plan.reasons() and not plan.keep_key
    key = plan.issue()[0]
    assert tc.describe_key(key) == ('rsa', 2048)


def test_mismatched_key_is_a_reason(tmp_path, ca):
    write_issue(server_plan(tmp_path, ca))
    other = tc.generate_key('ecdsa')
    plan = server_plan(tmp_path, ca)
    with open(plan.key_path, 'wb') as handle:
        handle.write(plan.key_pem(other))
    assert server_plan(tmp_path, ca).reasons() == ['key_mismatch']


def test_ca_passphrase(tmp_path):
    req = tc.CertificateRequest('ca')
    plan = tc.CertificatePlan(req, str(tmp_path / 'ca.pem'), str(tmp_path / 'ca-key.pem'), ca_passphrase='s3cret')
    write_issue(plan)
    assert b'ENCRYPTED' in open(str(tmp_path / 'ca-key.pem'), 'rb').read()
    creq = tc.CertificateRequest('client', common_name='admin')
    with pytest.raises(tc.CertificateError, match='ca_passphrase does not decrypt'):
        tc.CertificatePlan(creq, str(tmp_path / 'c.pem'), str(tmp_path / 'k.pem'), ca_path=str(tmp_path / 'ca.pem'),
                           ca_key_path=str(tmp_path / 'ca-key.pem'), ca_passphrase='wrong')
    with pytest.raises(tc.CertificateError, match='encrypted: give its passphrase'):
        tc.CertificatePlan(creq, str(tmp_path / 'c.pem'), str(tmp_path / 'k.pem'), ca_path=str(tmp_path / 'ca.pem'),
                           ca_key_path=str(tmp_path / 'ca-key.pem'))
    ok = tc.CertificatePlan(creq, str(tmp_path / 'c.pem'), str(tmp_path / 'k.pem'), ca_path=str(tmp_path / 'ca.pem'),
                            ca_key_path=str(tmp_path / 'ca-key.pem'), ca_passphrase='s3cret')
    key = write_issue(ok)[0]
    assert b'ENCRYPTED' not in ok.key_pem(key)


def test_leaf_as_ca_and_foreign_ca_key(tmp_path, ca):
    write_issue(server_plan(tmp_path, ca))
    creq = tc.CertificateRequest('client', common_name='admin')
    with pytest.raises(tc.CertificateError, match='is not a CA certificate'):
        tc.CertificatePlan(creq, str(tmp_path / 'c.pem'), str(tmp_path / 'k.pem'),
                           ca_path=str(tmp_path / 'server-cert.pem'), ca_key_path=str(tmp_path / 'server-key.pem'))
    with pytest.raises(tc.CertificateError, match='is not the key of the CA certificate'):
        tc.CertificatePlan(creq, str(tmp_path / 'c.pem'), str(tmp_path / 'k.pem'),
                           ca_path=ca[0], ca_key_path=str(tmp_path / 'server-key.pem'))


@pytest.mark.parametrize('key_type,extra', [('rsa', dict(key_size=2048)), ('ecdsa', dict(curve='P-384')),
                                            ('ed25519', {})])
def test_every_key_type_issues(tmp_path, key_type, extra):
    req = tc.CertificateRequest('ca', key_type=key_type, **extra)
    plan = tc.CertificatePlan(req, str(tmp_path / 'ca.pem'), str(tmp_path / 'ca-key.pem'))
    write_issue(plan)
    again = tc.CertificatePlan(tc.CertificateRequest('ca', key_type=key_type, **extra), str(tmp_path / 'ca.pem'),
                               str(tmp_path / 'ca-key.pem'))
    assert again.reasons() == []


def test_wrong_passphrase_always_reads_as_the_passphrase():
    """About one wrong passphrase in 256 gets past the padding check and fails as ASN.1: both
    failures must name the passphrase."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from ansible_collections.tprov.docker.plugins.module_utils import tls_cert
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(b'right'))
    for attempt in range(600):
        with pytest.raises(tls_cert.CertificateError) as info:
            tls_cert.load_key(pem, 'ca_key_path x', 'wrong-%d' % attempt)
        assert str(info.value).startswith('ca_passphrase does not decrypt ca_key_path x'), str(info.value)


def test_overlong_passphrase_is_refused_by_name(tmp_path):
    from ansible_collections.tprov.docker.plugins.module_utils import tls_cert
    request = tls_cert.CertificateRequest('ca')
    with pytest.raises(tls_cert.CertificateError) as info:
        tls_cert.CertificatePlan(request, str(tmp_path / 'ca.pem'), str(tmp_path / 'ca-key.pem'),
                                 ca_passphrase='é' * 600)
    assert str(info.value) == 'ca_passphrase is 1200 bytes long; at most 1023 bytes can encrypt a key.'


def test_key_pool_hands_out_distinct_keys_of_its_spec_then_makes_more():
    pool = tc.KeyPool(2, 'rsa', 2048)
    try:
        keys = [pool.take('rsa', 2048) for _index in range(3)]  # the third is made on the spot
        numbers = set(k.private_numbers().p for k in keys)
        assert len(numbers) == 3 and all(k.key_size == 2048 for k in keys)
        other = pool.take('ecdsa', None, 'secp256r1')  # another spec never gets a pooled key
        assert other.curve.name == 'secp256r1'
    finally:
        pool.close()
    idle = tc.KeyPool(3, 'ecdsa', None, 'secp256r1')  # fast keys: nothing is made ahead
    assert idle._executor is None and idle.take('ecdsa', None, 'secp256r1').curve.name == 'secp256r1'
    idle.close()


def test_a_file_removed_between_test_and_read_is_missing_not_a_traceback(tmp_path, ca, monkeypatch):
    # The files are read once and judged by what was read: a certificate or key that disappears while the
    # plan looks at it is 'missing', never None handed to the PEM parser.
    req = tc.CertificateRequest('server', common_name='h', subject_alt_names=['DNS:h'])
    plan = tc.CertificatePlan(req, str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem'), ca_path=ca[0],
                              ca_key_path=ca[1])
    write_issue(plan)
    real_read = tc.read_file
    monkeypatch.setattr(tc, 'read_file', lambda path, *a: None if path.endswith(('/cert.pem', '/key.pem'))
                        else real_read(path, *a))
    again = tc.CertificatePlan(req, str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem'), ca_path=ca[0],
                               ca_key_path=ca[1])
    assert 'missing' in again.reasons()
    monkeypatch.setattr(tc, 'read_file', lambda path, *a: None)
    with pytest.raises(tc.CertificateError, match='ca_path: no file at'):
        tc.CertificatePlan(req, str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem'), ca_path=ca[0],
                           ca_key_path=ca[1])
