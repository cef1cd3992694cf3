#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_container_info
short_description: Inspect one Docker container, or list containers, through the Engine API
version_added: 0.1.0
description:
  - With O(name), inspects one container (C(GET /containers/{name}/json)); a missing one gives
    RV(exists=false), not a failure.
  - Without it, lists containers (C(GET /containers/json)), running ones or O(all), with O(filters).
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
    description: The container's name or id.
    type: str
  all:
    description: When listing, include stopped containers (C(docker ps -a)).
    type: bool
    default: false
  filters:
    description:
      - "Filters for listing, as C(docker ps --filter) takes them, for example C(status: exited) or
        C(label: [app=web])."
    type: dict
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Is redis there?
  tprov.docker.docker_api_container_info:
    name: redis
  register: redis

- name: Every container the containers role manages, running or not
  tprov.docker.docker_api_container_info:
    all: true
    filters:
      label: [tprov.docker.managed=true]
'''

RETURN = r'''
exists:
  description: Whether the container named by O(name) exists.
  returned: when O(name) is set
  type: bool
container:
  description: Its inspect data; empty when it does not exist.
  returned: when O(name) is set
  type: dict
containers:
  description: The C(GET /containers/json) summaries.
  returned: when O(name) is not set
  type: list
  elements: dict
'''


from ansible_collections.tprov.docker.plugins.module_utils.containers import ContainerService
from ansible_collections.tprov.docker.plugins.module_utils.engine_client import list_params
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule, client_from_module, connection_argument_spec


def main():
    module = SafeModule(
        argument_spec=connection_argument_spec(
            name=dict(type='str'),
            all=dict(type='bool', default=False),
            filters=dict(type='dict'),
        ),
        mutually_exclusive=[('name', 'filters')],
        supports_check_mode=True,
    )
    params = module.params
    client = client_from_module(module)
    try:
        if params['name'] is not None:
            if not params['name'].strip():
                module.fail_json(msg='name must be a container name or id, not empty.')
            container = ContainerService(client).inspect(params['name'])
            module.exit_json(changed=False, exists=container is not None, container=container or {})
        query = list_params(params['all'], params['filters'])
        module.exit_json(changed=False, containers=client.get_json('/containers/json', params=query))
    except EngineError as exc:
        module.fail_json(msg=str(exc))


if __name__ == '__main__':
    main()
