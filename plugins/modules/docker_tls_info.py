#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_tls_info
short_description: Read the certificate a Docker daemon (or any TLS endpoint) serves, and judge it
version_added: 0.2.0
description:
  - Connects to a TLS endpoint, with or without a client certificate, and returns the certificate it serves (its
    subject, subject alternative names, issuer, serial, SHA-256 fingerprint, validity and whole days left),
    whether an expected CA issued it, whether it is the certificate in a given file, and whether it expires
    within O(warn_days).
  - Works without a client bundle against a daemon run with C(--tlsverify) (which refuses the client) - with
    TLS 1.3, which dockerd speaks, the server's certificate arrives before the server judges the client, and
    RV(handshake) says whether the server then accepted the client. Against a server limited to TLS 1.2 that
    requires a client certificate, the certificate can be read only with a client certificate it accepts
    (O(client_cert)).
  - With O(client_cert), RV(handshake) tells whether the daemon accepts that client certificate, and
    RV(client_certificate) holds the same facts about it.
  - The served certificate is read whoever issued it (the handshake does not verify it); O(validate_certs)
    makes a certificate that C(docker --tlsverify) would refuse a failure.
  - Nothing is sent to the endpoint but C(GET /_ping) (no credentials), to learn whether it accepted the client.
  - Normally runs on the controller (C(delegate_to) V(localhost)), where the PKI is; C(cryptography) is needed
    where it runs.
attributes:
  action_group:
    description:
      - In the action group C(tprov.docker.docker_api), so C(module_defaults) for C(group/tprov.docker.docker_api)
        set its connection options too (O(api_version) and O(tls) are accepted and unused).
    support: full
    membership:
      - tprov.docker.docker_api
  check_mode:
    support: full
    description: Reads only; the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show.
options:
  docker_host:
    description:
      - The TLS endpoint, V(tcp://HOST:PORT) (V(tcp://HOST) means port 2376). A unix socket serves no certificate.
      - Falls back to the E(DOCKER_HOST) environment variable.
    type: str
    required: false
    aliases: [docker_url]
  docker_context:
    description:
      - The name of a Docker CLI context (C(docker context ls)) whose endpoint to read, with the context's
        C(ca.pem) as O(ca_path) and its C(cert.pem)/C(key.pem) as the client bundle - for example V(tprov-docker1),
        written by the client role. Read as the Engine API modules read it (E(DOCKER_CONFIG), else C(~/.docker), of
        the user the module runs as); O(ca_path), O(client_cert) with O(client_key), and O(validate_certs) given here
        win over the context's.
      - When set, O(docker_host) is not used. A name with no context fails with C(error_kind) V(context_not_found),
        a broken one with V(context_invalid).
    type: str
  tls:
    description: Accepted for C(module_defaults) of the action group; TLS is always spoken.
    type: bool
  validate_certs:
    description:
      - Fail (C(error_kind) V(tls_unknown_ca), V(tls_name_mismatch) or V(tls_server_expired), with the facts in the
        result) when C(docker --tlsverify) would refuse the served certificate - not issued by O(ca_path), not
        carrying O(tls_hostname) (or the host of O(docker_host)), or outside its validity.
      - Not set or V(false) - the facts are returned whatever they are (RV(chains_to_ca), RV(name_matches),
        RV(expired)).
    type: bool
    aliases: [tls_verify]
  ca_path:
    description:
      - The CA certificate (PEM; a bundle of several is read whole) that should have issued the served certificate.
      - Also the default of O(expected_ca_path). Nothing is taken from E(DOCKER_CERT_PATH) or C(~/.docker).
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - The client certificate (PEM) presented in the handshake. Not set - none is presented (nothing is taken
        from E(DOCKER_CERT_PATH) or C(~/.docker)).
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description: The private key of O(client_cert).
    type: path
    aliases: [tls_client_key, key_path]
  tls_hostname:
    description:
      - The name (or address) the served certificate should carry (RV(name_matches)), and sent as SNI; default the
        host of O(docker_host).
      - Falls back to the E(DOCKER_TLS_HOSTNAME) environment variable.
    type: str
  api_version:
    description: Accepted for C(module_defaults) of the action group; unused (no Engine API call is made).
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description: Seconds (1 to 86400) to wait for the connection, the handshake and the answer.
    type: int
    default: 10
  expected_ca_path:
    description:
      - The CA (PEM, one or several certificates) the served certificate and RV(client_certificate) are checked
        against for RV(chains_to_ca) - for example the current CA of the PKI, when O(ca_path) is a trust bundle
        holding an old CA too. Default O(ca_path).
    type: path
  expected_cert_path:
    description: A certificate file (PEM) the served certificate should be (RV(matches_file)), such as the one on disk.
    type: path
  warn_days:
    description: RV(expiring) is true when fewer than this many whole days are left.
    type: int
    default: 30
notes:
  - The served certificate is judged from its bytes - RV(chains_to_ca) is true when a certificate of the expected
    CA file issued it directly (the collection's CA signs server and client certificates itself; intermediate
    chains are not followed).
  - A failed task returns C(error_kind) - V(refused), V(dns), V(timeout), V(unreachable), V(tls_not_tls) (the
    endpoint does not speak TLS), V(tls_no_client_cert) (a TLS 1.2 server refused before its certificate could be
    read), V(tls_handshake), V(tls_key_mismatch), V(invalid_settings), V(invalid_option), and with O(validate_certs)
    V(tls_unknown_ca), V(tls_name_mismatch), V(tls_server_expired).
requirements:
  - cryptography
seealso:
  - module: tprov.docker.docker_tls_pki
  - module: tprov.docker.docker_tls_cert
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: What the daemon serves, against the CA and the certificate on the controller (no client bundle)
  tprov.docker.docker_tls_info:
    docker_host: "tcp://{{ ansible_host }}:2376"
    ca_path: "{{ inventory_dir }}/pki/ca.pem"
    expected_cert_path: "{{ inventory_dir }}/pki/hosts/{{ inventory_hostname }}/server-cert.pem"
    warn_days: 30
  delegate_to: localhost
  register: served

- name: Does the daemon accept the ci bundle, and is the bundle itself from the current CA?
  tprov.docker.docker_tls_info:
    docker_host: "tcp://{{ ansible_host }}:2376"
    ca_path: "{{ inventory_dir }}/pki/clients/ci/ca.pem"
    client_cert: "{{ inventory_dir }}/pki/clients/ci/cert.pem"
    client_key: "{{ inventory_dir }}/pki/clients/ci/key.pem"
    expected_ca_path: "{{ inventory_dir }}/pki/ca.pem"
  delegate_to: localhost
  register: ci_bundle
  failed_when: not ci_bundle.handshake or ci_bundle.client_certificate.expiring
'''

RETURN = r'''
address:
  description: The address connected to, HOST:PORT.
  returned: always
  type: str
  sample: 192.0.2.10:2376
tls_version:
  description: The TLS version spoken.
  returned: success
  type: str
  sample: TLSv1.3
handshake:
  description:
    - Whether the server accepted the client (with or without O(client_cert)). V(false) - it refused it after
      presenting its certificate (a daemon run with C(--tlsverify) and no client certificate given, or one it does
      not trust); RV(handshake_error_kind) says why.
  returned: success
  type: bool
handshake_error_kind:
  description: Why the server refused the client (V(tls_no_client_cert), V(tls_client_rejected), ...); null when it did not.
  returned: success
  type: str
handshake_error:
  description: The same as a sentence; null when the server accepted the client.
  returned: success
  type: str
subject:
  description: The served certificate's subject (RFC 4514).
  returned: success
  type: str
  sample: CN=docker1.example.com
issuer:
  description: Its issuer (RFC 4514).
  returned: success
  type: str
  sample: CN=tprov.docker CA
subject_alt_names:
  description: Its subject alternative names.
  returned: success
  type: list
  elements: str
  sample: ["DNS:docker1.example.com", "IP:192.0.2.10", "IP:127.0.0.1"]
serial:
  description: Its serial number in hex.
  returned: success
  type: str
fingerprint_sha256:
  description: SHA-256 fingerprint of the certificate (DER), colon-separated hex, as docker_tls_cert returns it.
  returned: success
  type: str
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
days_left:
  description: Whole days until RV(not_after), rounded down; negative once expired.
  returned: success
  type: int
  sample: 364
expired:
  description: Whether RV(not_after) has passed.
  returned: success
  type: bool
not_yet_valid:
  description: Whether RV(not_before) is still ahead (a clock behind, or a certificate from the future).
  returned: success
  type: bool
expiring:
  description: Whether RV(days_left) is below O(warn_days).
  returned: success
  type: bool
warn_days:
  description: The O(warn_days) used.
  returned: success
  type: int
chains_to_ca:
  description: Whether a certificate of O(expected_ca_path) (default O(ca_path)) issued it; null when neither is given.
  returned: success
  type: bool
matches_file:
  description: Whether it is the certificate in O(expected_cert_path); null when that is not given.
  returned: success
  type: bool
name_checked:
  description: The name RV(name_matches) was checked for (O(tls_hostname), else the host of O(docker_host)).
  returned: success
  type: str
name_matches:
  description: Whether its subject alternative names carry RV(name_checked).
  returned: success
  type: bool
client_certificate:
  description:
    - With O(client_cert), the same facts about it - C(subject), C(issuer), C(subject_alt_names), C(serial),
      C(fingerprint_sha256), C(not_before), C(not_after), C(days_left), C(expired), C(not_yet_valid), C(expiring),
      C(chains_to_ca); null without.
  returned: success
  type: dict
'''

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert, tls_info
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import connection_argument_spec, fail_with
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule


def main():
    module = SafeModule(
        argument_spec=connection_argument_spec(
            docker_host=dict(type='str', aliases=['docker_url'], fallback=(env_fallback, ['DOCKER_HOST'])),
            timeout=dict(type='int', default=tls_info.DEFAULT_TIMEOUT),
            expected_ca_path=dict(type='path'),
            expected_cert_path=dict(type='path'),
            warn_days=dict(type='int', default=tls_info.DEFAULT_WARN_DAYS),
        ),
        validation_error_kind='invalid_option',
        supports_check_mode=True,
    )
    if tls_cert.CRYPTOGRAPHY_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=tls_cert.CRYPTOGRAPHY_IMPORT_ERROR,
                         error_kind='missing_library')
    try:
        module.exit_json(**tls_info.tls_info(module.params))
    except EngineError as exc:
        fail_with(module, exc)


if __name__ == '__main__':
    main()
