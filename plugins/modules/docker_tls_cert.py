#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_tls_cert
short_description: Issue, check and renew the CA, server and client certificates that protect a Docker daemon
version_added: 0.1.0
description:
  - Does what the Docker documentation's openssl steps do, with C(cryptography) and no openssl CLI
    a CA (V(ca)), a daemon certificate with C(serverAuth) and IP/DNS subject alternative names
    (V(server)), and a client certificate with C(clientAuth) (V(client)).
  - Idempotent; an existing certificate is kept while it is signed by the given CA, matches its key,
    has the requested subject, subject alternative names, usage and key type, and is outside the
    renewal window. Otherwise it is re-issued and RV(reasons) says why.
  - The key survives a re-issue unless O(regenerate_key) is set or O(key_type) changed.
  - Files are written atomically (temp file and rename), the key before the certificate, so a
    failure never leaves a certificate beside a key it was not made for.
  - Serial numbers are random 128-bit integers rather than a counter in C(ca.srl), so parallel runs
    for many hosts share no state; the chance of two alike is negligible (2^-127).
  - A symbolic link, or a file with more than one hard link, at O(path) or O(key_path) is refused (the
    run fails naming the option), since its owner and mode would be set on the file it leads to.
extends_documentation_fragment:
  - tprov.docker.tls_key
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reports whether and why the certificate would be issued; writes nothing.
  diff_mode:
    support: full
    description: Shows subject, subject alternative names, issuer, expiry and serial before and after; never key material.
options:
  kind:
    description:
      - V(ca) is a self-signed CA (C(basicConstraints CA:TRUE), critical, path length 0; C(keyCertSign), C(cRLSign)).
      - V(server) is for the daemon (C(serverAuth)); V(client) for a Docker client (C(clientAuth)).
    type: str
    required: true
    choices: [ca, server, client]
  dir:
    description:
      - A directory where Docker's file names are used, C(ca.pem)/C(ca-key.pem),
        C(server-cert.pem)/C(server-key.pem), or C(cert.pem)/C(key.pem).
      - Also where O(ca_path) and O(ca_key_path) default to (C(ca.pem), C(ca-key.pem)) when signing.
    type: path
  path:
    description: The certificate file (PEM). Required unless O(dir) is set.
    type: path
  key_path:
    description: The private key file (PEM, PKCS#8). Required unless O(dir) is set.
    type: path
  ca_path:
    description: The CA certificate that signs a V(server) or V(client) certificate.
    type: path
  ca_key_path:
    description: The CA's private key. It stays where it is; this module never copies it.
    type: path
  ca_passphrase:
    description:
      - With O(kind=ca), encrypts the CA key written to O(key_path) as PKCS#8 PBES2 (AES-256-CBC, key
        stretched by PBKDF2-HMAC-SHA256 with 600,000 iterations); otherwise decrypts O(ca_key_path) for signing.
      - A CA key encrypted the older, weaker way (fewer iterations, or OpenSSL's legacy C(Proc-Type) form) is
        still read, and re-encrypted on the next run with V(weak_key_encryption) in RV(reasons); its certificate stays.
      - Server and client keys are always written unencrypted, because dockerd and the Docker CLI
        cannot prompt for a passphrase; protect them with file modes instead.
    type: str
  common_name:
    description:
      - The subject's common name. Defaults to V(tprov.docker CA) for a CA and to the first entry of
        O(subject_alt_names) for a server; required for a client (name the user or service).
    type: str
  organization:
    description: The subject's organization (O).
    type: str
  organizational_unit:
    description: The subject's organizational unit (OU).
    type: str
  subject_alt_names:
    description:
      - Entries such as V(DNS:docker.example.com), V(IP:192.0.2.10), V(IP:::1); a bare address or name is
        taken as IP or DNS.
      - Required for a V(server); clients check the address they dial against these and ignore the common name.
    type: list
    elements: str
  regenerate_key:
    description: Make a new key when (re-)issuing, instead of keeping the existing one.
    type: bool
    default: false
  force:
    description: Re-issue the certificate even when it is right (rotation). The key is kept unless O(regenerate_key).
    type: bool
    default: false
  key_mode:
    description: The key file's mode. The certificate's mode is O(mode) (default V(0644)).
    type: raw
    default: '0600'
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: A CA on the controller, its key encrypted at rest
  tprov.docker.docker_tls_cert:
    kind: ca
    dir: "{{ inventory_dir }}/pki"
    ca_passphrase: "{{ vault_docker_ca_passphrase }}"
  delegate_to: localhost

- name: The daemon's certificate, valid for its name and addresses
  tprov.docker.docker_tls_cert:
    kind: server
    path: "{{ inventory_dir }}/pki/hosts/{{ inventory_hostname }}/server-cert.pem"
    key_path: "{{ inventory_dir }}/pki/hosts/{{ inventory_hostname }}/server-key.pem"
    ca_path: "{{ inventory_dir }}/pki/ca.pem"
    ca_key_path: "{{ inventory_dir }}/pki/ca-key.pem"
    ca_passphrase: "{{ vault_docker_ca_passphrase }}"
    subject_alt_names:
      - "DNS:{{ inventory_hostname }}"
      - "IP:{{ ansible_host }}"
      - IP:127.0.0.1
  delegate_to: localhost

- name: A client bundle for ~/.docker (ca.pem, cert.pem, key.pem)
  tprov.docker.docker_tls_cert:
    kind: client
    dir: "{{ inventory_dir }}/pki/clients/admin"
    ca_path: "{{ inventory_dir }}/pki/ca.pem"
    ca_key_path: "{{ inventory_dir }}/pki/ca-key.pem"
    common_name: admin
  delegate_to: localhost
'''

RETURN = r'''
path:
  description: The certificate file.
  returned: always
  type: str
key_path:
  description: The key file.
  returned: always
  type: str
reasons:
  description:
    - Why the certificate was (or in check mode would be) issued; empty when it was kept.
    - One or more of V(missing), V(invalid), V(key_missing), V(key_mismatch), V(key_type_changed),
      V(ca_changed), V(subject_changed), V(san_changed), V(usage_changed), V(expires_soon), V(expired),
      V(not_yet_valid), V(force), V(regenerate_key), V(weak_key_encryption) (only the CA key is re-encrypted).
  returned: always
  type: list
  elements: str
  sample: [san_changed]
subject:
  description: The certificate's subject (RFC 4514).
  returned: success
  type: str
  sample: CN=docker.example.com
subject_alt_names:
  description: The certificate's subject alternative names.
  returned: success
  type: list
  elements: str
  sample: ["DNS:docker.example.com", "IP:127.0.0.1"]
not_before:
  description: Start of validity, UTC, ISO 8601.
  returned: success
  type: str
  sample: "2026-11-26T21:55:00Z"
not_after:
  description: End of validity, UTC, ISO 8601.
  returned: success
  type: str
  sample: "2027-11-26T22:00:00Z"
serial:
  description: The serial number in hex.
  returned: success
  type: str
  sample: 3A9F0C...
fingerprint_sha256:
  description: SHA-256 fingerprint of the certificate (DER), colon-separated hex.
  returned: success
  type: str
'''

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.tprov.docker.plugins.module_utils import pki, tls_cert
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule


def main():
    module = SafeModule(
        argument_spec=dict(
            tls_cert.KEY_ARGUMENT_SPEC,
            kind=dict(type='str', required=True, choices=['ca', 'server', 'client']),
            dir=dict(type='path'),
            path=dict(type='path'),
            key_path=dict(type='path', no_log=False),
            ca_path=dict(type='path'),
            ca_key_path=dict(type='path', no_log=False),
            ca_passphrase=dict(type='str', no_log=True),
            common_name=dict(type='str'),
            organization=dict(type='str'),
            organizational_unit=dict(type='str'),
            subject_alt_names=dict(type='list', elements='str'),
            regenerate_key=dict(type='bool', default=False, no_log=False),
            force=dict(type='bool', default=False),
            key_mode=dict(type='raw', default='0600', no_log=False),
        ),
        required_one_of=[('dir', 'path')],
        required_by={'path': 'key_path', 'key_path': 'path'},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    if tls_cert.CRYPTOGRAPHY_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=tls_cert.CRYPTOGRAPHY_IMPORT_ERROR)
    module.exit_json(**pki.issue_certificate(module))


if __name__ == '__main__':
    main()
