#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_volume_info
short_description: Inspect or list Docker volumes through the Engine API
version_added: 0.2.0
description:
  - With O(name), inspects one volume (C(GET /volumes/{name})); a volume that does not exist gives
    RV(exists=false), not a failure.
  - Otherwise lists the volumes (C(GET /volumes)), optionally filtered.
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
    description: The volume's name.
    type: str
  filters:
    description:
      - "Filters for listing, as C(docker volume ls --filter) takes them, for example C(dangling: true)
        (used by no container), C(driver: local), C(label: [backup=daily]) or C(name: pg) (a substring)."
    type: dict
seealso:
  - module: tprov.docker.docker_api_volume
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Does the volume exist?
  tprov.docker.docker_api_volume_info:
    name: pgdata
  register: result
# result.exists, result.volume.Mountpoint

- name: Volumes no container uses
  tprov.docker.docker_api_volume_info:
    filters:
      dangling: true
'''

RETURN = r'''
exists:
  description: Whether the volume named O(name) exists.
  returned: when O(name) is set
  type: bool
  sample: true
volume:
  description: The volume's inspect data (C(GET /volumes/{name})); empty when it does not exist.
  returned: when O(name) is set
  type: dict
  sample: {"Name": "pgdata", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/pgdata/_data"}
volumes:
  description: The volumes the engine lists (C(GET /volumes)), with the filters applied.
  returned: unless O(name) is set
  type: list
  elements: dict
  sample: [{"Name": "pgdata", "Driver": "local", "Labels": {"backup": "daily"}}]
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(tls_no_client_cert), V(refused) or V(api_error).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: refused
'''


from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module
from ansible_collections.tprov.docker.plugins.module_utils.volumes import (
    VOLUME_INFO_ARGUMENT_SPEC,
    VOLUME_INFO_MODULE_RULES,
    volume_info,
)


def main():
    run_engine_module(volume_info, VOLUME_INFO_ARGUMENT_SPEC, supports_check_mode=True, **VOLUME_INFO_MODULE_RULES)


if __name__ == '__main__':
    main()
