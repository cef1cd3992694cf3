#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_network
short_description: Create, recreate and remove Docker networks through the Engine API
version_added: 0.2.0
description:
  - Makes a network present (C(POST /networks/create)) with the declared driver, IPAM config, flags,
    driver options and labels, or removes it (C(DELETE /networks/{id})).
  - Idempotent. Only the options given are compared, so what the engine fills in by itself (the IPAM
    driver V(default), a subnet and gateway it picked, driver options it adds) is never a difference;
    O(driver_options) and O(labels) compare the keys given.
  - The Engine API cannot change a network in place, so any difference recreates it - RV(changes) names
    each one. The containers on the network (running or not) are disconnected, the network removed and
    created again (with what the old one had for the options not given), and the containers reconnected
    with their aliases and static addresses (the C(IPAMConfig) of their endpoint). A container with an
    address from the engine's pool gets a new one from the new network.
  - Before anything changes, the task fails when a declared subnet overlaps another network's, or when a
    container's static address would lie in none of the new subnets. Should the engine still refuse the
    new network, the old one is created again and its containers reconnected.
  - A network in use is removed only with O(force), which disconnects its containers first; without it
    the task fails naming them (RV(error_kind) V(in_use)).
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Reports what would be created, recreated (and which containers reconnected) or removed, and does none of it.
  diff_mode:
    support: full
    description: Shows the declared options as the network has them, and as declared, and the state.
options:
  name:
    description: The network's name.
    type: str
    required: true
  driver:
    description:
      - The network driver. A network is created with V(bridge) when not given (and an existing one is not compared).
      - V(overlay) needs a swarm manager (C(docker swarm init)); on any other engine the task fails saying so.
    type: str
    choices: [bridge, macvlan, ipvlan, overlay]
  ipam:
    description: IP address management, as C(docker network create --ipam-driver --subnet --gateway --ip-range --aux-address).
    type: dict
    suboptions:
      driver:
        description: The IPAM driver; the engine's is V(default).
        type: str
      config:
        description:
          - The subnets (IPv4 and IPv6), each with its optional gateway, allocation range and reserved addresses.
          - When given, the network's set of subnets must be exactly these; an empty list or none leaves
            the subnets to the engine (and an existing network's are kept).
          - Each gateway, range and auxiliary address must lie in its subnet, and subnets may not overlap
            one another or another network's subnet; the task fails naming O(ipam) before anything is made.
        type: list
        elements: dict
        suboptions:
          subnet:
            description: The subnet, V(172.28.0.0/16) or V(fd00:28::/64) (an IPv6 one needs O(enable_ipv6=true)).
            type: str
            required: true
          gateway:
            description: The gateway address (the engine picks the first address when not given).
            type: str
          ip_range:
            description: The part of the subnet the engine allocates container addresses from.
            type: str
          aux_addresses:
            description: Addresses the engine must not hand out, as name to address (C(--aux-address)).
            type: dict
  internal:
    description: Restrict external access to the network (C(--internal)). Compared only when given.
    type: bool
  attachable:
    description: Let standalone containers attach to an overlay network (C(--attachable)). Compared only when given.
    type: bool
  enable_ipv6:
    description: Enable IPv6 (C(--ipv6)); needed for an IPv6 subnet in O(ipam). Compared only when given.
    type: bool
  driver_options:
    description:
      - Driver options (C(--opt)), e.g. C(com.docker.network.bridge.name) or C(parent) for V(macvlan).
      - Values are sent as strings. The keys given are compared; others the network has are kept.
    type: dict
  labels:
    description: Labels of the network. The keys given are compared; others the network has are kept.
    type: dict
  state:
    description: V(present) makes the network as declared; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), disconnect the containers on the network, then remove it. Without it a
        network in use is not removed and the task fails naming the containers.
    type: bool
    default: false
seealso:
  - module: tprov.docker.docker_api_network_info
  - module: tprov.docker.docker_api_container
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: A bridge network with a fixed subnet, IPv4 and IPv6
  tprov.docker.docker_api_network:
    name: backend
    enable_ipv6: true
    ipam:
      config:
        - subnet: 172.28.0.0/16
          gateway: 172.28.0.1
          ip_range: 172.28.5.0/24
          aux_addresses: {router: 172.28.1.5}
        - subnet: fd00:28::/64
    labels:
      team: web

- name: An internal network; changing a declared option recreates it and reconnects its containers
  tprov.docker.docker_api_network:
    name: db
    internal: true
  register: result
# result.changes: [{option: internal, before: false, after: true}]

- name: Remove it, disconnecting its containers
  tprov.docker.docker_api_network:
    name: db
    state: absent
    force: true
'''

RETURN = r'''
network:
  description: The network's inspect data (C(GET /networks/{id})) after the task; empty when absent (and in check mode before a create).
  returned: success
  type: dict
  sample: {"Name": "backend", "Id": "3f1c...", "Driver": "bridge", "IPAM": {"Driver": "default", "Config": [{"Subnet": "172.28.0.0/16"}]}}
changes:
  description:
    - The declared options the existing network differs in, each with its value there (C(before)) and as declared (C(after)).
    - A non-empty list means it was (or in check mode would be) recreated.
  returned: success
  type: list
  elements: dict
  sample: [{"option": "ipam.config", "before": [{"subnet": "172.28.0.0/24"}], "after": [{"subnet": "172.28.0.0/16"}]}]
actions:
  description: What was done (or in check mode would be done), in words, including each container reconnected.
  returned: always
  type: list
  elements: str
  sample: ["Recreated network backend (ipam.config)", "Reconnected container web (aliases app; 172.28.5.10) to network backend"]
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(in_use), V(invalid_option) or V(refused).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: in_use
'''


from ansible_collections.tprov.docker.plugins.module_utils.networks import NETWORK_ARGUMENT_SPEC, converge_network
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(converge_network, NETWORK_ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == '__main__':
    main()
