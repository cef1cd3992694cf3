#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_info
short_description: Facts about a Docker engine from its Engine API
version_added: 0.1.0
description:
  - Returns what C(curl --unix-socket /var/run/docker.sock http://docker/info) and C(/version) show,
    and the negotiated Engine API version.
  - Optionally summarises containers (C(GET /containers/json)) and images (C(GET /images/json)).
  - Works over the local socket, TCP, or mutual TLS; use it to prove that a daemon answers a
    client that holds a certificate.
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reads only; there is nothing to diff.
options:
  containers:
    description: Also return a summary of containers.
    type: bool
    default: false
  containers_all:
    description: With O(containers), include stopped containers (as C(docker ps -a)).
    type: bool
    default: false
  containers_filters:
    description:
      - "Filters for the container summary, as C(docker ps --filter) takes them, for example
        C(status: running) or C(label: [app=web])."
    type: dict
  images:
    description: Also return a summary of images.
    type: bool
    default: false
  images_filters:
    description: "Filters for the image summary, for example C(dangling: true) or C(reference: busybox)."
    type: dict
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: What the local engine reports
  tprov.docker.docker_api_info:
  register: engine

- name: Prove the TLS endpoint answers a client with a certificate
  tprov.docker.docker_api_info:
    docker_host: tcp://docker.example.com:2376
    validate_certs: true
    ca_path: pki/clients/admin/ca.pem
    client_cert: pki/clients/admin/cert.pem
    client_key: pki/clients/admin/key.pem
  delegate_to: localhost

- name: Running containers with a label
  tprov.docker.docker_api_info:
    containers: true
    containers_filters:
      label: [com.example.app=web]
  register: web
'''

RETURN = r'''
info:
  description: The daemon's C(GET /info) body.
  returned: success
  type: dict
  sample: {"Containers": 2, "ServerVersion": "20.10.24+dfsg1", "Driver": "overlay2"}
version:
  description: The daemon's C(GET /version) body.
  returned: success
  type: dict
  sample: {"ApiVersion": "1.41", "MinAPIVersion": "1.12", "Version": "20.10.24+dfsg1"}
api_version:
  description: The Engine API version this client talked, after negotiation.
  returned: success
  type: str
  sample: "1.41"
containers:
  description: The C(GET /containers/json) summaries, when O(containers) is set.
  returned: when O(containers=true)
  type: list
  elements: dict
images:
  description: The C(GET /images/json) summaries, when O(images) is set.
  returned: when O(images=true)
  type: list
  elements: dict
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(tls_no_client_cert), V(refused) or V(not_found).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: refused
'''


from ansible_collections.tprov.docker.plugins.module_utils.engine_info import INFO_ARGUMENT_SPEC, engine_info
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(engine_info, INFO_ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == '__main__':
    main()
