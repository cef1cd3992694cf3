#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_network_info
short_description: Inspect or list Docker networks through the Engine API
version_added: 0.2.0
description:
  - With O(name), inspects one network (C(GET /networks/{name})); a network that does not exist gives
    RV(exists=false), not a failure.
  - Otherwise lists the networks (C(GET /networks)), optionally filtered.
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
  name:
    description: The network's name or id.
    type: str
  filters:
    description:
      - "Filters for listing, as C(docker network ls --filter) takes them, for example C(driver: bridge),
        C(label: [team=web]), C(name: backend) (a substring), C(type: custom) or C(dangling: true)."
    type: dict
seealso:
  - module: tprov.docker.docker_api_network
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Does the network exist?
  tprov.docker.docker_api_network_info:
    name: backend
  register: result
# result.exists, result.network.IPAM.Config

- name: The networks a team labelled
  tprov.docker.docker_api_network_info:
    filters:
      label: [team=web]
'''

RETURN = r'''
exists:
  description: Whether the network named O(name) exists.
  returned: when O(name) is set
  type: bool
  sample: true
network:
  description: The network's inspect data (C(GET /networks/{name})); empty when it does not exist.
  returned: when O(name) is set
  type: dict
  sample: {"Name": "backend", "Id": "3f1c...", "Driver": "bridge", "Containers": {}}
networks:
  description: The networks the engine lists (C(GET /networks)), with the filters applied.
  returned: unless O(name) is set
  type: list
  elements: dict
  sample: [{"Name": "bridge", "Id": "8a2e...", "Driver": "bridge"}]
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(tls_no_client_cert), V(refused) or V(api_error).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: refused
'''


from ansible_collections.tprov.docker.plugins.module_utils.networks import (
    NETWORK_INFO_ARGUMENT_SPEC,
    NETWORK_INFO_MODULE_RULES,
    network_info,
)
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(network_info, NETWORK_INFO_ARGUMENT_SPEC, supports_check_mode=True, **NETWORK_INFO_MODULE_RULES)


if __name__ == '__main__':
    main()
