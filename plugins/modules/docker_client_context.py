#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_client_context
short_description: Docker CLI contexts for a client bundle, written without the Docker CLI
version_added: 0.3.0
description:
  - Writes one Docker CLI context per entry of O(contexts) into a user's Docker configuration directory
    (O(config_dir), the user's C(~/.docker) or E(DOCKER_CONFIG)), in the CLI's own store layout -
    C(contexts/meta/ID/meta.json) and C(contexts/tls/ID/docker/ca.pem), C(cert.pem), C(key.pem), ID being the
    SHA-256 (hex) of the context's name - so C(docker --context NAME ps) reaches the daemon with the client
    bundle. The Docker CLI is not needed where the module runs.
  - Each context's C(meta.json) carries the marker C(tprov.docker) (the bundle and the inventory host) in its
    C(Metadata); the module removes only contexts that carry it for O(bundle) (O(prune), O(state=absent)), and
    leaves a context of the same name without it alone, with a warning.
  - The files are written the way M(tprov.docker.docker_tls_files) writes them (its rules on symbolic links,
    owners, group-writable directories and locking apply) - the TLS directories and files 0700 and 0600, the
    metadata 0755 and 0644, as the CLI makes them, owned by O(owner).
  - O(ca_src), O(cert_src) and O(key_src) are read on the controller by the action plugin and sent as
    O(ca_content), O(cert_content) and O(key_content) (the key is never logged).
attributes:
  check_mode:
    support: full
    description: Reports which contexts would be written or removed; writes nothing.
  diff_mode:
    support: full
    description: Each changed file's keyed digest and mode (never its content), and each removed context.
options:
  config_dir:
    description:
      - The Docker CLI configuration directory (absolute) holding C(contexts), such as C(/home/alice/.docker).
        It must exist.
    type: path
    required: true
  bundle:
    description: The client bundle's name (in C(docker_tls_clients)), recorded in each context's marker.
    type: str
    required: true
  state:
    description:
      - V(present) writes O(contexts) (and with O(prune) removes the bundle's other contexts).
      - V(absent) removes every context this collection wrote for O(bundle) in O(config_dir) (a revoked client).
    type: str
    choices: [present, absent]
    default: present
  contexts:
    description: The contexts to write.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The context's name (C(docker --context NAME)); not V(default), no C(/).
        type: str
        required: true
      docker_host:
        description: The daemon's address, V(tcp://HOST:PORT).
        type: str
        required: true
      host:
        description: The inventory host it is for, recorded in the marker; defaults to O(contexts[].name).
        type: str
      description:
        description: The context's description (C(docker context ls)).
        type: str
  prune:
    description:
      - With O(state=present), remove the contexts written for O(bundle) that are not in O(contexts), except those
        of the hosts in O(keep_hosts) that O(contexts) does not name.
    type: bool
    default: false
  keep_hosts:
    description:
      - Inventory hosts whose contexts O(prune) keeps even when O(contexts) has none for them (a host of the play
        that failed before its context was computed). A host in O(contexts) keeps only the context named there.
    type: list
    elements: str
    default: []
  ca_src:
    description: The bundle's CA certificate on the controller. One of O(ca_src) and O(ca_content).
    type: path
  cert_src:
    description: The bundle's client certificate on the controller. One of O(cert_src) and O(cert_content).
    type: path
  key_src:
    description: The bundle's private key on the controller. One of O(key_src) and O(key_content).
    type: path
  ca_content:
    description: The CA certificate (PEM).
    type: str
  cert_content:
    description: The client certificate (PEM).
    type: str
  key_content:
    description: The private key (PEM).
    type: str
  owner:
    description: Owner (name or uid) of the directories and files written; unchanged when not set.
    type: str
  group:
    description: Group (name or gid) of the directories and files written; unchanged when not set.
    type: str
seealso:
  - module: tprov.docker.docker_tls_files
  - name: Docker contexts
    description: The Docker CLI's documentation of contexts.
    link: https://docs.docker.com/engine/manage-resources/contexts/
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Contexts tprov-docker1 and tprov-docker2 for alice's bundle; the bundle's contexts for other hosts removed
  tprov.docker.docker_client_context:
    config_dir: /home/alice/.docker
    owner: alice
    bundle: alice
    ca_src: pki/clients/alice/ca.pem
    cert_src: pki/clients/alice/cert.pem
    key_src: pki/clients/alice/key.pem
    contexts:
      - {name: tprov-docker1, docker_host: "tcp://docker1.example.com:2376", host: docker1}
      - {name: tprov-docker2, docker_host: "tcp://docker2.example.com:2376", host: docker2}
    prune: true

- name: Alice's certificate was revoked - her contexts go
  tprov.docker.docker_client_context:
    config_dir: /home/alice/.docker
    bundle: alice
    state: absent
'''

RETURN = r'''
contexts:
  description: Per context written - C(name), C(host), C(docker_host), C(changed), and C(skipped) when a context of that
    name not made by this collection was left alone.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "tprov-docker1", "host": "docker1", "docker_host": "tcp://docker1:2376", "changed": true}]
removed:
  description: The names of the contexts removed (or, in check mode, to remove).
  returned: success
  type: list
  elements: str
  sample: [tprov-docker3]
'''

from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule
from ansible_collections.tprov.docker.plugins.module_utils import context_files


def main():
    module = SafeModule(
        argument_spec=dict(
            config_dir=dict(type='path', required=True),
            bundle=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            contexts=dict(type='list', elements='dict', default=[], options=dict(
                name=dict(type='str', required=True),
                docker_host=dict(type='str', required=True),
                host=dict(type='str'),
                description=dict(type='str'),
            )),
            prune=dict(type='bool', default=False),
            keep_hosts=dict(type='list', elements='str', default=[]),
            ca_src=dict(type='path'),
            cert_src=dict(type='path'),
            key_src=dict(type='path', no_log=False),
            ca_content=dict(type='str'),
            cert_content=dict(type='str'),
            key_content=dict(type='str', no_log=True),
            owner=dict(type='str'),
            group=dict(type='str'),
        ),
        mutually_exclusive=[('ca_src', 'ca_content'), ('cert_src', 'cert_content'), ('key_src', 'key_content')],
        supports_check_mode=True,
    )
    module.exit_json(**context_files.run(module))


if __name__ == '__main__':
    main()
