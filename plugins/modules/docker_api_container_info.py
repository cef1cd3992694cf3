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
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(tls_no_client_cert), V(refused) or V(not_found).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: refused
'''


from ansible_collections.tprov.docker.plugins.module_utils.engine_info import CONTAINER_INFO_ARGUMENT_SPEC, CONTAINER_INFO_MODULE_RULES, container_info
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(container_info, CONTAINER_INFO_ARGUMENT_SPEC, supports_check_mode=True, **CONTAINER_INFO_MODULE_RULES)


if __name__ == '__main__':
    main()
