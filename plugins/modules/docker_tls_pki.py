#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_tls_pki
short_description: A Docker PKI in one run - the CA, a server certificate per host, client bundles
version_added: 0.1.0
description:
  - Issues and keeps up to date everything Docker's documented openssl steps make (a CA, server and client
    certificates), for any number of Docker hosts and clients, in one module run (the CA key is loaded once;
    one process signs everything). The pki role uses it.
  - Each certificate follows the rules of M(tprov.docker.docker_tls_cert) - kept while it is right, re-issued
    with RV(servers) / RV(clients) C(reasons) saying why, the key kept across re-issues, atomic writes, keys 0600.
  - "Layout under O(dir): C(ca.pem), C(ca-key.pem); C(hosts/NAME/server-cert.pem), C(hosts/NAME/server-key.pem);
    C(clients/NAME/ca.pem), C(clients/NAME/cert.pem), C(clients/NAME/key.pem) (a C(~/.docker) bundle)."
  - A CA that is re-issued (expired) keeps its key; a new CA key (another O(ca_key_type) than the CA's) is made
    only with O(ca_replace). Either way every certificate it signed is re-issued.
extends_documentation_fragment:
  - tprov.docker.tls_key
attributes:
  check_mode:
    support: full
    description: Decides every certificate (a CA that would be issued is made in memory); writes nothing.
  diff_mode:
    support: none
    description: RV(servers) and RV(clients) carry C(before) facts of re-issued certificates; no key material.
options:
  dir:
    description:
      - The PKI directory on the machine the module runs on (the controller, for the roles). Created 0700.
      - A directory, CA certificate or CA key that another user owns or could write (group or others may write it) is
        refused before anything is read or written, naming the path and the fix - whoever can put a CA of their own
        there has every certificate issued from then on signed by it.
    type: path
    required: true
  servers:
    description: One server certificate (C(serverAuth)) per Docker host.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The host's name; its files go to C(hosts/NAME/).
        type: str
        required: true
      subject_alt_names:
        description: The names and addresses clients dial (V(DNS:...), V(IP:...), or bare values).
        type: list
        elements: str
        required: true
      common_name:
        description: The subject's common name; default the first subject alternative name.
        type: str
  clients:
    description: One client certificate (C(clientAuth)) per entry, written as a bundle.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The client's name (its certificate's common name and directory).
        type: str
        required: true
      state:
        description:
          - V(absent) revokes the client - dockerd has no revocation list, so a bundle of it on disk starts a CA
            rollover (see O(ca_rollover)) after which no daemon trusts the CA that signed it; its directory is
            removed when the rollover finishes, and its name kept in C(archive/revoked.json) (0600). An absent
            client with no bundle on disk that no rollover revoked is nothing to do; the module warns that a
            certificate issued for it earlier stays valid until a CA rollover (O(ca_rollover)).
        type: str
        choices: [present, absent]
        default: present
  revoke_unlisted:
    description: Revoke (as O(clients[].state=absent)) every client bundle under C(clients/) that no entry names.
    type: bool
    default: false
  ca_rollover:
    description:
      - Start a planned CA rollover (a CA near its end, a CA key that may have leaked) when none is in progress.
        A revoked client starts one by itself.
      - "A rollover makes a new CA (the old one kept as C(ca-previous.pem), C(ca-previous-key.pem)) and goes
        through phases the roles carry out host by host, recorded in C(rollover.json) so that a run that died
        is finished by the next one - V(trust-both): client bundles' C(ca.pem) and the hosts' trust bundle
        C(ca-bundle.pem) hold the new and the old CA, and every server certificate is re-issued by the new CA;
        V(drop-old) (once every host reported O(rollover_host_done) for trust-both, in the run that sees it):
        every client certificate is re-issued by the new CA and hosts trust the new CA only; when every host
        reported drop-old, the old CA is moved to C(archive/) (0600) and the revoked bundles are removed."
      - A rollover records every host with a C(hosts/NAME) directory when it starts, in this run or not; each
        holds it back until it reports each phase, also when a run leaves it out (C(--limit)), or until its
        C(hosts/NAME) is removed (a host gone for good). The module warns naming the hosts it waits for that
        are not in O(servers).
    type: bool
    default: false
  rollover_host_done:
    description:
      - Only record that this host finished O(rollover_phase) (restarted on its files, checked over TLS), and
        return; nothing is issued. The roles run this after each host's restart.
    type: str
  rollover_phase:
    description: The phase O(rollover_host_done) finished; a report for a phase not in progress is ignored.
    type: str
    choices: [trust-both, drop-old]
  ca_common_name:
    description: The CA's common name.
    type: str
    default: tprov.docker CA
  ca_passphrase:
    description:
      - Encrypts the CA key at rest (and decrypts it to sign), as PKCS#8 PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256
        with 600,000 iterations).
      - A CA key encrypted the older, weaker way is still read, and re-encrypted on the next run with
        V(weak_key_encryption) in the C(reasons) of RV(ca); its certificate stays.
    type: str
  ca_valid_days:
    description: The CA certificate's lifetime in days.
    type: int
    default: 3650
  ca_key_type:
    description:
      - The CA key's type, its own setting (the leaves' is O(key_type)).
      - Not set - an existing CA keeps its key whatever its type (and size, or curve); a new CA gets
        O(key_type) (with O(ca_key_size) / O(ca_curve), else O(key_size) / O(curve)).
      - Set - a CA whose key is of another type (or size, or curve) is not replaced unless O(ca_replace)
        is set - the run fails, saying what the CA key is. Replacing a CA strands every host and client that
        trusts the old one until they get certificates from the new one.
    type: str
    choices: [ecdsa, rsa, ed25519]
  ca_key_size:
    description: The RSA key size of a new CA (or, with O(ca_key_type=rsa), the one asked). Not set - O(key_size).
    type: int
    choices: [2048, 3072, 4096]
  ca_curve:
    description: The ECDSA curve of a new CA (or, with O(ca_key_type=ecdsa), the one asked). Not set - O(curve).
    type: str
    choices: [secp256r1, secp384r1, P-256, P-384]
  ca_replace:
    description:
      - Replace the CA when its key is not of the O(ca_key_type) asked (or is missing beside its certificate).
        The old C(ca.pem) and C(ca-key.pem) are first kept as C(NAME.TIMESTAMP.tprov-backup)
        (C(NAME.TIMESTAMP-N.tprov-backup) for the Nth in the same second; listed in RV(ca) C(backups)), created
        0600 before a byte is written; every certificate is then re-issued by the new CA.
    type: bool
    default: false
  force:
    description: Re-issue every server and client certificate (rotation); the CA and the keys are kept.
    type: bool
    default: false
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: The CA, two Docker hosts' server certificates and an admin bundle, on the controller
  tprov.docker.docker_tls_pki:
    dir: "{{ inventory_dir }}/pki"
    ca_passphrase: "{{ vault_docker_ca_passphrase }}"
    servers:
      - name: docker1
        subject_alt_names: [DNS:docker1.example.com, IP:192.0.2.10, IP:127.0.0.1]
      - name: docker2
        subject_alt_names: [DNS:docker2.example.com, IP:192.0.2.11, IP:127.0.0.1]
    clients:
      - name: admin
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
ca:
  description:
    - The CA certificate's facts, C(reasons) it was (or would be) issued, C(changed), and C(backups) (the
      old CA certificate and key kept when O(ca_replace) replaced them; empty otherwise).
  returned: success
  type: dict
servers:
  description:
    - Per host name, the server certificate's C(subject_alt_names), C(not_after), C(serial), C(path), C(key_path),
      C(reasons) (empty when kept) and C(changed).
    - C(removed_sans) lists the subject alternative names the previous certificate had and a re-issued one
      lacks (empty otherwise); the module warns naming them, since clients dialling them will fail to verify.
  returned: success
  type: dict
  sample: {"docker1": {"changed": false, "reasons": [], "subject_alt_names": ["DNS:docker1", "IP:192.0.2.10"]}}
clients:
  description:
    - Per client name, the same facts for its certificate.
    - A revoked client has C(state=absent), C(reasons) V(client_revoked) while its rollover runs, and
      C(changed) when its bundle was removed. One revoked while a rollover is in V(drop-old) has empty
      C(reasons) until a rollover of its own runs (see RV(rollover)).
  returned: success
  type: dict
rollover:
  description:
    - The CA rollover - C(phase) (V(none), V(trust-both) or V(drop-old)), C(started) and C(finished) in this
      run, C(reasons) (V(ca_rollover), V(client_revoked)), C(pending) (hosts still to restart in the phase),
      C(done), C(revoked), C(archived) (the old CA's files) and C(host_ca) (the file hosts must install as
      their C(ca.pem) in this phase).
    - C(revoked_next) - clients revoked while the rollover was in V(drop-old); their certificates are already
      the new CA's, so the run that finishes it starts a rollover of their own (C(finished) and C(started)
      both true, C(phase) V(trust-both)); the module warns naming them.
    - C(rekeyed) - clients the rollover revoked that are listed present again, each with a new key (the one of
      the revoked certificate may have leaked), out of C(revoked); the module warns naming them.
    - With O(rollover_host_done), only C(phase), C(done) and C(recorded).
  returned: success
  type: dict
  sample: {"phase": "trust-both", "started": true, "finished": false, "reasons": ["ca_rollover", "client_revoked"],
           "pending": ["docker1", "docker2"], "done": [], "revoked": ["alice"], "archived": [],
           "revoked_next": [], "rekeyed": [], "host_ca": "/srv/pki/ca-bundle.pem"}
'''

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.tprov.docker.plugins.module_utils import pki, tls_cert
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule


def main():
    module = SafeModule(
        argument_spec=dict(
            tls_cert.KEY_ARGUMENT_SPEC,
            dir=dict(type='path', required=True),
            servers=dict(type='list', elements='dict', default=[], options=dict(
                name=dict(type='str', required=True),
                subject_alt_names=dict(type='list', elements='str', required=True),
                common_name=dict(type='str'),
            )),
            clients=dict(type='list', elements='dict', default=[], options=dict(
                name=dict(type='str', required=True),
                state=dict(type='str', default='present', choices=['present', 'absent']),
            )),
            revoke_unlisted=dict(type='bool', default=False),
            ca_rollover=dict(type='bool', default=False),
            rollover_host_done=dict(type='str'),
            rollover_phase=dict(type='str', choices=['trust-both', 'drop-old']),
            ca_common_name=dict(type='str', default='tprov.docker CA'),
            ca_passphrase=dict(type='str', no_log=True),
            ca_valid_days=dict(type='int', default=3650),
            ca_key_type=dict(type='str', choices=['ecdsa', 'rsa', 'ed25519']),
            ca_key_size=dict(type='int', choices=[2048, 3072, 4096]),
            ca_curve=dict(type='str', choices=['secp256r1', 'secp384r1', 'P-256', 'P-384']),
            ca_replace=dict(type='bool', default=False),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    if tls_cert.CRYPTOGRAPHY_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=tls_cert.CRYPTOGRAPHY_IMPORT_ERROR)
    module.exit_json(**pki.run_pki(module))


if __name__ == '__main__':
    main()
