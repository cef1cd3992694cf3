#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_volume
short_description: Create and remove Docker volumes through the Engine API, never losing data unasked
version_added: 0.2.0
description:
  - Makes a volume present (C(POST /volumes/create)) with the declared driver, driver options and labels,
    or removes it (C(DELETE /volumes/{name})).
  - Idempotent. The driver is compared, and of O(driver_options) and O(labels) the keys given.
  - The Engine API cannot change a volume in place, and volumes hold data. A volume that differs from the
    task is left as it is, with a warning naming the differences (RV(changes) lists them), unless
    O(recreate=options-changed) says to remove it and create it again, losing its data.
  - "A volume that containers use (running or stopped, C(GET /containers/json?all=1&filters={\"volume\":[name]}))
    is never removed or recreated: the task fails naming the containers (RV(error_kind) V(in_use))."
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Reports what would be created, recreated or removed, and does none of it.
  diff_mode:
    support: full
    description: Shows the compared options as the volume has them and as they will be, and the state.
options:
  name:
    description: The volume's name (letters, digits, C(_), C(.), C(-); at least two characters).
    type: str
    required: true
  driver:
    description: The volume driver, V(local) or a volume plugin's name.
    type: str
    default: local
  driver_options:
    description:
      - Driver options (C(docker volume create --opt)), e.g. C(type), C(device) and C(o) for the V(local) driver.
      - Values are sent as strings. The keys given are compared.
    type: dict
  labels:
    description: Labels of the volume. The keys given are compared.
    type: dict
  state:
    description: V(present) makes the volume exist; V(absent) removes it when no container uses it.
    type: str
    choices: [present, absent]
    default: present
  recreate:
    description:
      - What to do with an existing volume that differs from the task in O(driver), O(driver_options) or O(labels).
      - V(never) leaves it as it is and warns, naming the differences.
      - V(options-changed) removes it and creates it as declared - its data is lost - unless a container uses it.
    type: str
    choices: [never, options-changed]
    default: never
seealso:
  - module: tprov.docker.docker_api_volume_info
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: A volume for the database
  tprov.docker.docker_api_volume:
    name: pgdata
    labels:
      backup: daily

- name: A tmpfs-backed local volume, recreated when its options change
  tprov.docker.docker_api_volume:
    name: scratch
    driver_options:
      type: tmpfs
      device: tmpfs
      o: size=100m
    recreate: options-changed

- name: Remove it (fails, naming them, while containers use it)
  tprov.docker.docker_api_volume:
    name: scratch
    state: absent
'''

RETURN = r'''
volume:
  description: The volume's inspect data (C(GET /volumes/{name})) after the task; empty when absent (and in check mode before a create).
  returned: success
  type: dict
  sample: {"Name": "pgdata", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/pgdata/_data", "Labels": {"backup": "daily"}}
changes:
  description:
    - The compared options the existing volume differs in, each with its value there (C(before)) and in the task (C(after)).
    - Applied (the volume recreated) only with O(recreate=options-changed); with V(never) they come with a warning and C(changed) is false.
  returned: success
  type: list
  elements: dict
  sample: [{"option": "labels", "before": {"backup": null}, "after": {"backup": "daily"}}]
actions:
  description: What was done (or in check mode would be done), in words.
  returned: always
  type: list
  elements: str
  sample: ["Created volume pgdata"]
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(in_use), V(invalid_option) or V(refused).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: in_use
'''


from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module
from ansible_collections.tprov.docker.plugins.module_utils.volumes import VOLUME_ARGUMENT_SPEC, converge_volume


def main():
    run_engine_module(converge_volume, VOLUME_ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == '__main__':
    main()
