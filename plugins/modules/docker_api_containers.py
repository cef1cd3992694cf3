#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_containers
short_description: Converge many networks, volumes, images and containers in one module run (what the containers role uses)
version_added: 0.1.0
description:
  - The images of M(tprov.docker.docker_api_image) and the containers of M(tprov.docker.docker_api_container),
    declared as lists, converged in one process over one connection - one version negotiation and two Engine API
    requests per unchanged container, instead of one module start per container.
  - The networks of M(tprov.docker.docker_api_network) and the volumes of M(tprov.docker.docker_api_volume) are
    converged in the same run, before the images and containers that use them.
  - Every entry is checked (types, choices, ports, sizes, subnets, ...) before the first request, so bad input
    anywhere in the lists changes nothing. Entries are then converged in order - networks and volumes with
    V(state=present), images, containers, then volumes and networks with V(state=absent) (so a network, volume and
    container all set absent are removed in one run, the container first).
  - Containers, networks and volumes it creates carry the label O(managed_label)=O(managed_label_value) (on a
    network or volume that already exists the label is not compared, so one made outside is left as it is, and
    stays unlabelled when a declared difference recreates it); O(prune) removes containers and networks with that
    label that are no longer declared, and volumes too with O(prune_volumes); never one without it.
  - A network or volume entry whose V(labels) set O(managed_label) to another value than O(managed_label_value) is
    refused (the module sets that label).
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Reports what each entry would change; changes nothing.
  diff_mode:
    support: full
    description:
      - Per container, the compared options that differ and the state, as M(tprov.docker.docker_api_container);
        per network and volume (headed C(network NAME), C(volume NAME)) as their modules show it.
options:
  networks:
    description:
      - Networks to converge first (V(state=absent) ones last, after the containers); each entry takes the options of M(tprov.docker.docker_api_network)
        (V(name), V(driver), V(ipam), V(internal), V(state), V(force), ...), without the connection options.
    type: list
    elements: dict
    default: []
  volumes:
    description:
      - Volumes to converge after the networks (V(state=absent) ones after the containers); each entry takes the options of M(tprov.docker.docker_api_volume)
        (V(name), V(driver), V(driver_options), V(labels), V(state), V(recreate)), without the connection options.
    type: list
    elements: dict
    default: []
  images:
    description:
      - Images to converge first; each entry takes the options of M(tprov.docker.docker_api_image)
        (V(name), V(tag), V(source), V(load_path), ...), without the connection options.
    type: list
    elements: dict
    default: []
  containers:
    description:
      - Containers to converge; each entry takes the options of M(tprov.docker.docker_api_container)
        (V(name), V(image), V(state), V(published_ports), V(networks), ...), without the connection options.
    type: list
    elements: dict
    default: []
  managed_label:
    description: The label key that marks containers managed this way.
    type: str
    default: tprov.docker.managed
  managed_label_value:
    description: Its value; use one value per set of containers that is pruned together.
    type: str
    default: 'true'
  prune:
    description:
      - Remove containers that carry O(managed_label)=O(managed_label_value) and are not in O(containers), then
        networks with that label that are not in O(networks).
      - A labelled network still used by a container (one not removed by this run) is kept, with a warning naming
        the containers; containers are never disconnected for a prune.
    type: bool
    default: false
  prune_volumes:
    description:
      - With O(prune), also remove volumes that carry the label and are not in O(volumes). Off by default, as
        volumes hold data. Without O(prune) it removes nothing, and the module warns.
      - A labelled volume still used by a container (running or not, and not removed by this run) is never removed;
        it is kept, with a warning naming the containers.
    type: bool
    default: false
  return_container_data:
    description: Include each container's full inspect data in RV(containers) (it is large with many containers).
    type: bool
    default: false
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: The containers declared in inventory, over mutual TLS, in one module run
  tprov.docker.docker_api_containers:
    docker_host: "tcp://{{ ansible_host }}:2376"
    validate_certs: true
    networks:
      - name: backend
        ipam:
          config:
            - subnet: 172.28.0.0/16
    volumes:
      - name: redis-data
    images:
      - name: registry.example.com/team/web
        tag: "1.4"
    containers:
      - name: web
        image: registry.example.com/team/web:1.4
        published_ports: ["8080:80"]
        restart_policy: unless-stopped
      - name: redis
        image: redis:7
        hostname: redis
        volumes: ["redis-data:/data"]
        networks: [{name: backend}]
    prune: true
  delegate_to: localhost
'''

RETURN = r'''
networks:
  description: Per network entry, C(name), C(changed), C(changes) (the named differences acted on), C(state) and C(id).
  returned: success
  type: list
  elements: dict
  sample: [{"name": "backend", "changed": true, "changes": [], "state": "present", "id": "9a1c..."}]
volumes:
  description: Per volume entry, C(name), C(changed), C(changes) (the differences found) and C(state).
  returned: success
  type: list
  elements: dict
  sample: [{"name": "redis-data", "changed": false, "changes": [], "state": "present"}]
images:
  description: Per image entry, its name, whether it changed, and its id.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "busybox:latest", "changed": false, "id": "sha256:5bed..."}]
containers:
  description:
    - Per container entry, C(name), C(changed), C(changes) (the named differences acted on), C(state), C(id), and
      C(container) (the inspect data) with O(return_container_data).
  returned: success
  type: list
  elements: dict
  sample: [{"name": "web", "changed": true, "changes": [{"option": "memory", "before": 0, "after": 268435456}],
            "state": "running", "id": "0f3c..."}]
pruned:
  description: Names of managed containers removed because they are no longer declared.
  returned: success
  type: list
  elements: str
pruned_networks:
  description: Names of managed networks removed because they are no longer declared (O(prune)).
  returned: success
  type: list
  elements: str
pruned_volumes:
  description: Names of managed volumes removed because they are no longer declared (O(prune_volumes)).
  returned: success
  type: list
  elements: str
actions:
  description: What was done (or in check mode would be done), in words, in order.
  returned: always
  type: list
  elements: str
'''


from ansible_collections.tprov.docker.plugins.module_utils.container_backends import (
    CONTAINERS_ARGUMENT_SPEC,
    CONTAINERS_ENTRY_SPECS,
    converge_containers,
)
from ansible_collections.tprov.docker.plugins.module_utils.container_spec import CONTAINER_HIDDEN_VALUES
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(converge_containers, CONTAINERS_ARGUMENT_SPEC, entry_specs=CONTAINERS_ENTRY_SPECS,
                      hidden_values=dict(containers=CONTAINER_HIDDEN_VALUES), supports_check_mode=True)


if __name__ == '__main__':
    main()
