# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker's CA, server and client certificates, as plain Python over ``cryptography``.

:class:`CertificatePlan` reads what is on disk, says whether it must be (re-)issued and why
(:meth:`CertificatePlan.reasons`), and produces the new key and certificate
(:meth:`CertificatePlan.issue`).  Nothing here touches Ansible, so it is tested directly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import ipaddress
import os
import re
import traceback

from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import read_file
# Declared with the PKI's layout, which the roles' filters read without cryptography.
from ansible_collections.tprov.docker.plugins.module_utils.pki_layout import BACKDATE, CertificateError

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, padding, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:  # reported by the module through missing_required_lib
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

KINDS = ('ca', 'server', 'client')
KEY_TYPES = ('ecdsa', 'rsa', 'ed25519')
RSA_SIZES = (2048, 3072, 4096)
CURVES = ('secp256r1', 'secp384r1')
CURVE_ALIASES = {'p-256': 'secp256r1', 'p256': 'secp256r1', 'prime256v1': 'secp256r1',
                 'p-384': 'secp384r1', 'p384': 'secp384r1'}

MAX_PASSPHRASE_BYTES = 1023

# PBKDF2-HMAC-SHA256 iterations stretching ca_passphrase: OWASP's 2023 figure for that PRF (about
# 0.07 s per load here). cryptography's BestAvailableEncryption uses 2,048, and its PKCS#8
# encryption_builder() (which would take kdf_rounds) serves only OpenSSH and PKCS#12 keys, so the
# PKCS#8 PBES2 structure is written here (and read back by cryptography as any PKCS#8 key).
CA_KEY_KDF_ROUNDS = 600000
# DER contents of the object identifiers of PKCS#8 PBES2 (RFC 8018) with PBKDF2 and AES-256-CBC.
_OID_PBES2 = bytes.fromhex('2a864886f70d01050d')
_OID_PBKDF2 = bytes.fromhex('2a864886f70d01050c')
_OID_HMAC_SHA256 = bytes.fromhex('2a864886f70d0209')
_OID_AES256_CBC = bytes.fromhex('60864801650304012a')


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def random_serial():
    """A random positive 128-bit serial.

    Random rather than a counter in ``ca.srl``: parallel runs for many hosts need no shared,
    locked state, and RFC 5280 only asks that serials be unique per CA (2**-127 collision odds).
    """
    return (int.from_bytes(os.urandom(16), 'big') >> 1) or 1


def parse_san(text):
    """'DNS:name', 'IP:addr' (v4 or v6) -> a GeneralName; bare IPs and names are accepted too."""
    if not isinstance(text, str) or not text.strip():
        raise CertificateError('subject_alt_names: an entry is empty; write DNS:name or IP:address.')
    value = text.strip()
    prefix, sep, rest = value.partition(':')
    kind = prefix.strip().upper() if sep else ''
    if kind in ('IP', 'IP ADDRESS'):
        try:
            return x509.IPAddress(ipaddress.ip_address(rest.strip().strip('[]')))
        except ValueError:
            raise CertificateError('subject_alt_names: %r is not a valid IPv4 or IPv6 address.' % value)
    if kind == 'DNS':
        return _dns_name(rest.strip(), value)
    if sep and kind:
        try:
            return x509.IPAddress(ipaddress.ip_address(value))  # a bare IPv6 address has colons
        except ValueError:
            raise CertificateError('subject_alt_names: %r is neither DNS:name nor IP:address.' % value)
    try:
        return x509.IPAddress(ipaddress.ip_address(value))
    except ValueError:
        return _dns_name(value, value)


def _dns_name(name, original):
    labels = name.rstrip('.').split('.')
    ok = bool(name) and len(name) <= 253 and all(
        label and len(label) <= 63 and all(c.isalnum() and c.isascii() or c in '-_*' for c in label)
        and not label.startswith('-') and not label.endswith('-')
        for label in labels)
    if ok and '*' in name and not (labels[0] == '*' and '*' not in '.'.join(labels[1:])):
        ok = False
    if not ok:
        raise CertificateError('subject_alt_names: %r is not a valid DNS name (letters, digits and hyphens '
                               'in dot-separated labels; a wildcard only as the whole first label).' % original)
    return x509.DNSName(name.lower())


def san_text(general_name):
    if isinstance(general_name, x509.IPAddress):
        return 'IP:%s' % general_name.value
    if isinstance(general_name, x509.DNSName):
        return 'DNS:%s' % general_name.value
    return str(general_name.value)


def normalise_curve(curve):
    name = (curve or 'secp256r1').lower()
    name = CURVE_ALIASES.get(name, name)
    if name not in CURVES:
        raise CertificateError('curve must be one of P-256 (secp256r1) or P-384 (secp384r1), not %r.' % curve)
    return name


def describe_key(key):
    """('rsa', bits) / ('ecdsa', curve name) / ('ed25519', None) for a private or public key."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return 'rsa', key.key_size
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return 'ecdsa', key.curve.name
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return 'ed25519', None
    return type(key).__name__, None


def generate_key(key_type, key_size=None, curve=None):
    if key_type == 'rsa':
        return rsa.generate_private_key(public_exponent=65537, key_size=key_size or 2048)
    if key_type == 'ecdsa':
        return ec.generate_private_key(getattr(ec, normalise_curve(curve).upper())())
    if key_type == 'ed25519':
        return ed25519.Ed25519PrivateKey.generate()
    raise CertificateError('key_type must be one of %s, not %r.' % (', '.join(KEY_TYPES), key_type))


class KeyPool(object):
    """New keys generated ahead, in parallel, for a run that knows it will need several.

    OpenSSL leaves Python's GIL released while it searches for RSA primes, so on a machine with
    more than one core three RSA 4096 keys made side by side take about the time of the slowest
    one instead of the sum. EC and Ed25519 keys take microseconds and are made when asked for.
    """

    def __init__(self, count, key_type, key_size=None, curve=None):
        self.spec = (key_type, key_size, curve)
        self._futures = []
        self._executor = None
        if key_type == 'rsa' and count > 1 and (os.cpu_count() or 1) > 1:
            from concurrent.futures import ThreadPoolExecutor
            self._executor = ThreadPoolExecutor(max_workers=min(count, os.cpu_count()))
            self._futures = [self._executor.submit(generate_key, *self.spec) for _index in range(count)]

    def take(self, key_type, key_size=None, curve=None):
        """A key of this type: one made ahead when there is one left, else a new one now."""
        if self._futures and (key_type, key_size, curve) == self.spec:
            return self._futures.pop(0).result()
        return generate_key(key_type, key_size, curve)

    def close(self):
        """Drop the keys nobody took (a run that failed half-way); wait for none that has not started."""
        if self._executor is not None:
            for future in self._futures:
                future.cancel()
            self._executor.shutdown(wait=False)
            self._futures = []


def load_key(pem, option, passphrase=None, may_be_encrypted=True):
    """A private key from PEM bytes; errors name the option (and the passphrase when relevant)."""
    password = passphrase.encode('utf-8') if passphrase else None
    try:
        # Keys checked here are then compared with their certificate's public key, so the slow
        # RSA consistency check (the bulk of RSA 4096 load time) adds nothing.
        return serialization.load_pem_private_key(pem, password=password, unsafe_skip_rsa_key_validation=True)
    except TypeError as exc:
        if 'not encrypted' in str(exc):
            raise CertificateError('%s is not encrypted, but a passphrase was given: drop ca_passphrase, or '
                                   're-issue the CA with it.' % option)
        if not may_be_encrypted:
            raise CertificateError('%s is encrypted, but dockerd and the Docker CLI cannot prompt for a '
                                   'passphrase: remove the file to have a new key issued, or decrypt it.' % option)
        raise CertificateError('%s is encrypted: give its passphrase in ca_passphrase.' % option)
    except ValueError as exc:
        # A wrong passphrase usually fails the padding check ("bad decrypt"), but about one time in
        # 256 the garbage it yields passes it and fails as ASN.1 instead: any failure to read an
        # encrypted key with a passphrase given is reported as the passphrase.
        if password is not None and (b'ENCRYPTED' in pem or 'decrypt' in str(exc).lower()
                                     or 'password' in str(exc).lower() or 'bad' in str(exc).lower()):
            raise CertificateError('ca_passphrase does not decrypt %s: check the passphrase (or the file is '
                                   'damaged).' % option)
        raise CertificateError('%s is not a PEM private key (%s).' % (option, str(exc).splitlines()[0]))
    except UnsupportedAlgorithm:
        raise CertificateError('%s holds a key of a type this module does not support.' % option)


def load_certificate(pem, option):
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise CertificateError('%s is not a PEM certificate.' % option)


def public_bytes(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def same_public_key(a, b):
    return public_bytes(a) == public_bytes(b)


def not_after(cert):
    return cert.not_valid_after_utc


def not_before(cert):
    return cert.not_valid_before_utc


def cert_sans(cert):
    try:
        return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        return []


def _extension(cert, cls):
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def issued_by(cert, cas):
    """Whether one of the CA certificates issued cert (its name and signature). The collection's CA signs
    leaves directly; no intermediate chain is followed."""
    for ca in cas:
        try:
            cert.verify_directly_issued_by(ca)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return False


def is_ca_certificate(cert):
    constraints = _extension(cert, x509.BasicConstraints)
    usage = _extension(cert, x509.KeyUsage)
    return bool(constraints and constraints.ca and (usage is None or usage.key_cert_sign))


def fingerprint_sha256(cert):
    return ':'.join('%02X' % b for b in cert.fingerprint(hashes.SHA256()))


class CertificateRequest(object):
    """What the user asked for, validated."""

    def __init__(self, kind, common_name=None, organization=None, organizational_unit=None,
                 subject_alt_names=None, key_type='ecdsa', key_size=None, curve=None, valid_days=365,
                 renew_before_days=30):
        if kind not in KINDS:
            raise CertificateError('kind must be one of ca, server, client, not %r.' % (kind,))
        self.kind = kind
        self.sans = [parse_san(s) for s in (subject_alt_names or [])]
        if kind == 'server' and not self.sans:
            raise CertificateError('subject_alt_names is required for a server certificate: clients (the Docker '
                                   'CLI, Python, curl) check the address against it and ignore the common name. '
                                   'List e.g. DNS:docker.example.com and IP:192.0.2.10, IP:127.0.0.1.')
        if common_name is None or common_name == '':
            if kind == 'ca':
                common_name = 'tprov.docker CA'
            elif kind == 'server' and self.sans:
                common_name = str(self.sans[0].value)
            else:
                raise CertificateError('common_name is required for a %s certificate (e.g. the user or '
                                       'service it identifies).' % kind)
        if len(common_name) > 64:
            raise CertificateError('common_name may be at most 64 characters (RFC 5280), not %d.' % len(common_name))
        self.common_name = common_name
        self.organization = organization
        self.organizational_unit = organizational_unit
        if key_type not in KEY_TYPES:
            raise CertificateError('key_type must be one of %s, not %r.' % (', '.join(KEY_TYPES), key_type))
        self.key_type = key_type
        if key_type == 'rsa':
            key_size = key_size or 2048
            if key_size not in RSA_SIZES:
                raise CertificateError('key_size must be one of 2048, 3072, 4096 for RSA, not %s.' % key_size)
        self.key_size = key_size if key_type == 'rsa' else None
        self.curve = normalise_curve(curve) if key_type == 'ecdsa' else None
        if not isinstance(valid_days, int) or valid_days < 1 or valid_days > 36500:
            raise CertificateError('valid_days must be between 1 and 36500, not %s.' % (valid_days,))
        if not isinstance(renew_before_days, int) or renew_before_days < 0 or renew_before_days >= valid_days:
            raise CertificateError('renew_before_days must be 0 or more and less than valid_days (%s), not %s.'
                                   % (valid_days, renew_before_days))
        self.valid_days = valid_days
        self.renew_before_days = renew_before_days

    @property
    def subject(self):
        attrs = [x509.NameAttribute(NameOID.COMMON_NAME, self.common_name)]
        if self.organization:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organization))
        if self.organizational_unit:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, self.organizational_unit))
        return x509.Name(attrs)

    def key_matches_type(self, key):
        kind, detail = describe_key(key)
        if kind != self.key_type:
            return False
        if kind == 'rsa':
            return detail == self.key_size
        if kind == 'ecdsa':
            return detail == self.curve
        return True

    def wanted_eku(self):
        return {'server': [ExtendedKeyUsageOID.SERVER_AUTH],
                'client': [ExtendedKeyUsageOID.CLIENT_AUTH]}.get(self.kind, [])


def _der(tag, content):
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = length.to_bytes((length.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(size)]) + size + content


def _der_int(value):
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, 'big'))


def _der_items(data):
    """The (tag, content) elements of DER bytes, in order; ValueError on anything malformed."""
    items = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise ValueError('truncated DER')
        tag, length = data[offset], data[offset + 1]
        offset += 2
        if length & 0x80:
            count = length & 0x7f
            if count == 0 or count > 4 or offset + count > len(data):
                raise ValueError('bad DER length')
            length = int.from_bytes(data[offset:offset + count], 'big')
            offset += count
        if offset + length > len(data):
            raise ValueError('truncated DER')
        items.append((tag, data[offset:offset + length]))
        offset += length
    return items


def encrypt_private_key(key, passphrase, rounds=CA_KEY_KDF_ROUNDS):
    """PEM of key as PKCS#8 EncryptedPrivateKeyInfo: PBES2, PBKDF2-HMAC-SHA256 with ``rounds``, AES-256-CBC."""
    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    salt, iv = os.urandom(16), os.urandom(16)
    secret = PBKDF2HMAC(hashes.SHA256(), 32, salt, rounds).derive(passphrase.encode('utf-8'))
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    prf = _der(0x30, _der(0x06, _OID_HMAC_SHA256) + _der(0x05, b''))
    kdf = _der(0x30, _der(0x06, _OID_PBKDF2) + _der(0x30, _der(0x04, salt) + _der_int(rounds) + prf))
    scheme = _der(0x30, _der(0x06, _OID_AES256_CBC) + _der(0x04, iv))
    info = _der(0x30, _der(0x30, _der(0x06, _OID_PBES2) + _der(0x30, kdf + scheme)) + _der(0x04, encrypted))
    body = base64.encodebytes(info).replace(b'\n', b'')
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b'-----BEGIN ENCRYPTED PRIVATE KEY-----\n' + b'\n'.join(lines) + b'\n-----END ENCRYPTED PRIVATE KEY-----\n'


def weak_key_encryption(pem):
    """True when an encrypted PEM key is protected by less than PBES2/PBKDF2-HMAC-SHA256 with
    CA_KEY_KDF_ROUNDS iterations and AES-256-CBC: OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" form
    (one MD5 round), PBES1, another cipher or PRF, or fewer iterations (BestAvailableEncryption's 2,048)."""
    if b'Proc-Type: 4,ENCRYPTED' in pem:
        return True
    match = re.search(br'-----BEGIN ENCRYPTED PRIVATE KEY-----(.*?)-----END ENCRYPTED PRIVATE KEY-----', pem, re.S)
    if not match:
        return False  # not encrypted at all: load_key already refuses that when a passphrase is given
    try:
        info = _der_items(_der_items(base64.b64decode(b''.join(match.group(1).split())))[0][1])
        algorithm = _der_items(info[0][1])
        if algorithm[0][1] != _OID_PBES2:
            return True
        kdf, scheme = [_der_items(item[1]) for item in _der_items(algorithm[1][1])]
        if kdf[0][1] != _OID_PBKDF2 or scheme[0][1] != _OID_AES256_CBC:
            return True
        kdf_params = _der_items(kdf[1][1])
        rounds = int.from_bytes(kdf_params[1][1], 'big')
        prf = [_der_items(item[1])[0][1] for item in kdf_params[2:] if item[0] == 0x30]
        return rounds < CA_KEY_KDF_ROUNDS or prf != [_OID_HMAC_SHA256]
    except (ValueError, IndexError, TypeError):
        return True  # a structure we cannot read back is rewritten in the one we know


class CertificatePlan(object):
    """The files of one certificate and what to do about them.

    ``ca`` is an already loaded ``(certificate, key)`` pair, used instead of ca_path/ca_key_path
    when one run signs many certificates (docker_tls_pki); ``key_pool`` a :class:`KeyPool` that
    new keys come from."""

    def __init__(self, request, path, key_path, ca_path=None, ca_key_path=None, ca_passphrase=None,
                 force=False, regenerate_key=False, now=None, ca=None, key_pool=None):
        self.request = request
        self.key_pool = key_pool
        self.path = path
        self.key_path = key_path
        if ca_passphrase and len(ca_passphrase.encode('utf-8')) > MAX_PASSPHRASE_BYTES:
            # OpenSSL's PEM encryption takes at most 1023 bytes; say so before anything is made.
            raise CertificateError('ca_passphrase is %d bytes long; at most %d bytes can encrypt a key.'
                                   % (len(ca_passphrase.encode('utf-8')), MAX_PASSPHRASE_BYTES))
        self.ca_passphrase = ca_passphrase
        self.force = force
        self.regenerate_key = regenerate_key
        self.now = now or utcnow()
        self.current_cert = None
        self.current_key = None
        self._reasons = None
        self._invalid_cert = False
        self._weak_key_encryption = False
        if request.kind == 'ca':
            self.ca_cert = None
            self.ca_key = None
        elif ca is not None:
            self.ca_cert, self.ca_key = ca  # loaded (or just issued) once by the caller, for many leaves
        else:
            if not ca_path or not ca_key_path:
                raise CertificateError('ca_path and ca_key_path are required to sign a %s certificate (or set dir '
                                       'to the directory holding ca.pem and ca-key.pem).' % request.kind)
            self.ca_cert, self.ca_key = self._load_ca(ca_path, ca_key_path, ca_passphrase)
        self._load_current()

    @staticmethod
    def _load_ca(ca_path, ca_key_path, passphrase):
        # Read once, not tested first: a file removed between a test and the read would otherwise reach the
        # parser as None.
        pems = {}
        for option, value in (('ca_path', ca_path), ('ca_key_path', ca_key_path)):
            pems[option] = None if os.path.isdir(value) else read_file(value)
            if pems[option] is None:
                raise CertificateError('%s: no file at %s. Issue the CA first (kind: ca).' % (option, value))
        ca_cert = load_certificate(pems['ca_path'], 'ca_path %s' % ca_path)
        if not is_ca_certificate(ca_cert):
            raise CertificateError('ca_path %s is not a CA certificate (it lacks basicConstraints CA:TRUE '
                                   'with keyCertSign). Point ca_path at the CA, not at a leaf certificate.' % ca_path)
        ca_key = load_key(pems['ca_key_path'], 'ca_key_path %s' % ca_key_path, passphrase)
        if not same_public_key(ca_key.public_key(), ca_cert.public_key()):
            raise CertificateError('ca_key_path %s is not the key of the CA certificate %s: they belong to '
                                   'different CAs.' % (ca_key_path, ca_path))
        return ca_cert, ca_key

    def _load_current(self):
        # Each file is read once and judged by what was read: removed in between, it is simply missing.
        cert_pem = read_file(self.path)
        if cert_pem is not None:
            try:
                self.current_cert = load_certificate(cert_pem, 'path')
            except CertificateError:
                self.current_cert = None  # unreadable or not PEM: re-issued, reason 'invalid'
                self._invalid_cert = True
        pem = read_file(self.key_path)
        if pem is not None:
            is_ca = self.request.kind == 'ca'
            self.current_key = load_key(pem, 'key_path %s' % self.key_path,
                                        self.ca_passphrase if is_ca else None, may_be_encrypted=is_ca)
            self._weak_key_encryption = bool(is_ca and self.ca_passphrase and weak_key_encryption(pem))

    def reasons(self):
        """Why the certificate must be (re-)issued; empty when the files on disk are right."""
        if self._reasons is not None:
            return self._reasons
        reasons = []
        req = self.request
        cert, key = self.current_cert, self.current_key
        if self.force:
            reasons.append('force')
        if self.regenerate_key:
            reasons.append('regenerate_key')
        if key is None:
            reasons.append('key_missing')
        elif not req.key_matches_type(key):
            reasons.append('key_type_changed')
        elif self._weak_key_encryption:
            reasons.append('weak_key_encryption')
        if cert is None:
            reasons.append('invalid' if getattr(self, '_invalid_cert', False) else 'missing')
            self._reasons = reasons
            return reasons
        if key is not None and not same_public_key(cert.public_key(), key.public_key()):
            reasons.append('key_mismatch')
        if self.ca_cert is not None and not issued_by(cert, [self.ca_cert]):
            reasons.append('ca_changed')
        if cert.subject != req.subject:
            reasons.append('subject_changed')
        if sorted(san_text(n) for n in cert_sans(cert)) != sorted(san_text(n) for n in req.sans):
            reasons.append('san_changed')
        if not self._usage_ok(cert):
            reasons.append('usage_changed')
        if not_after(cert) <= self.now:
            reasons.append('expired')
        elif not_after(cert) - datetime.timedelta(days=req.renew_before_days) <= self.now:
            reasons.append('expires_soon')
        if not_before(cert) > self.now + datetime.timedelta(minutes=5):
            reasons.append('not_yet_valid')
        self._reasons = reasons
        return reasons

    def _usage_ok(self, cert):
        req = self.request
        constraints = _extension(cert, x509.BasicConstraints)
        if req.kind == 'ca':
            return is_ca_certificate(cert)
        if constraints is not None and constraints.ca:
            return False
        eku = _extension(cert, x509.ExtendedKeyUsage)
        return eku is not None and all(oid in list(eku) for oid in req.wanted_eku())

    @property
    def keep_key(self):
        reasons = self.reasons()
        return self.current_key is not None and not ({'regenerate_key', 'key_type_changed'} & set(reasons))

    def outcome(self):
        """(key, certificate, writes): the pair in force after this plan, and the files to write
        as (path, bytes, mode) tuples - none when reasons() is empty. A key whose only fault is its
        encryption is re-encrypted; its certificate stays."""
        reasons = self.reasons()
        if not reasons:
            return self.current_key, self.current_cert, []
        if reasons == ['weak_key_encryption']:
            return self.current_key, self.current_cert, [(self.key_path, self.key_pem(self.current_key), 0o600)]
        key, cert = self.issue()
        writes = [(self.path, cert_pem(cert), 0o644)]
        if not self.keep_key or 'weak_key_encryption' in reasons:
            writes.insert(0, (self.key_path, self.key_pem(key), 0o600))
        return key, cert, writes

    def issue(self):
        """(key, certificate): the key kept or new, the certificate freshly signed."""
        req = self.request
        if self.keep_key:
            key = self.current_key
        else:
            key = (self.key_pool.take if self.key_pool else generate_key)(req.key_type, req.key_size, req.curve)
        if req.kind == 'ca':
            issuer_key, issuer_name, issuer_public = key, req.subject, key.public_key()
        else:
            issuer_key, issuer_name, issuer_public = self.ca_key, self.ca_cert.subject, self.ca_cert.public_key()
        start = self.now - BACKDATE
        builder = (x509.CertificateBuilder()
                   .subject_name(req.subject)
                   .issuer_name(issuer_name)
                   .public_key(key.public_key())
                   .serial_number(random_serial())
                   .not_valid_before(start)
                   .not_valid_after(self.now + datetime.timedelta(days=req.valid_days))
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if req.kind == 'ca':
            builder = (builder
                       .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                       .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                    key_encipherment=False, data_encipherment=False,
                                                    key_agreement=False, key_cert_sign=True, crl_sign=True,
                                                    encipher_only=False, decipher_only=False), critical=True))
        else:
            is_rsa = req.key_type == 'rsa'
            builder = (builder
                       .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                       .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                    key_encipherment=is_rsa, data_encipherment=False,
                                                    key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                    encipher_only=False, decipher_only=False), critical=True)
                       .add_extension(x509.ExtendedKeyUsage(req.wanted_eku()), critical=False))
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False)
        if req.sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(req.sans), critical=False)
        algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
        cert = builder.sign(issuer_key, algorithm)
        return key, cert

    def key_pem(self, key):
        """PEM of the key: the CA's encrypted with ca_passphrase when one is given; leaves never,
        because dockerd and the Docker CLI cannot prompt for a passphrase."""
        if self.request.kind == 'ca' and self.ca_passphrase:
            return encrypt_private_key(key, self.ca_passphrase)
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def certificate_facts(cert):
    """The values the module returns and diffs: never key material."""
    if cert is None:
        return {}
    return {
        'subject': cert.subject.rfc4514_string(),
        'issuer': cert.issuer.rfc4514_string(),
        'subject_alt_names': [san_text(n) for n in cert_sans(cert)],
        'not_before': not_before(cert).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'not_after': not_after(cert).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'serial': '%X' % cert.serial_number,
        'fingerprint_sha256': fingerprint_sha256(cert),
    }


# Key type and lifetime options of docker_tls_cert and docker_tls_pki (doc fragment tprov.docker.tls_key).
KEY_ARGUMENT_SPEC = dict(
    key_type=dict(type='str', default='ecdsa', choices=['ecdsa', 'rsa', 'ed25519']),
    key_size=dict(type='int', default=2048, choices=[2048, 3072, 4096]),
    curve=dict(type='str', default='secp256r1', choices=['secp256r1', 'secp384r1', 'P-256', 'P-384']),
    valid_days=dict(type='int', default=365),
    renew_before_days=dict(type='int', default=30),
)
