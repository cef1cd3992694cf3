#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_image_info
short_description: Inspect, list or search Docker images through the Engine API
version_added: 0.1.0
description:
  - With O(name), inspects one or more images (C(GET /images/{name}/json)); images that do not
    exist are listed in RV(missing) rather than failing the task.
  - With O(filters) (or nothing), lists images (C(GET /images/json)).
  - With O(search), searches Docker Hub through the daemon (C(GET /images/search?term=)). A daemon
    that cannot reach the hub gives a failed task with the daemon's message.
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
    description:
      - Image references (V(busybox), V(busybox:1.36), V(repo@sha256:...)) or image ids to inspect.
    type: list
    elements: str
  filters:
    description:
      - "Filters for listing, as C(docker image ls --filter) takes them, for example C(dangling: true),
        C(reference: busybox*) or C(label: [team=web])."
    type: dict
  all:
    description: When listing, include intermediate images (C(docker image ls -a)).
    type: bool
    default: false
  search:
    description: A term to search Docker Hub for, through the daemon.
    type: str
  search_limit:
    description: The most search results to return.
    type: int
    default: 25
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Inspect two images; missing ones are reported, not fatal
  tprov.docker.docker_api_image_info:
    name: [busybox:latest, redis:7]
  register: result

- name: Dangling images
  tprov.docker.docker_api_image_info:
    filters:
      dangling: true

- name: Search the hub (GET /images/search?term=)
  tprov.docker.docker_api_image_info:
    search: octobug/
'''

RETURN = r'''
images:
  description:
    - With O(name), the inspect data (C(GET /images/{name}/json)) of the images that exist.
    - Otherwise the C(GET /images/json) summaries.
  returned: unless O(search) is set
  type: list
  elements: dict
  sample: [{"Id": "sha256:4e1d...", "RepoTags": ["busybox:latest"]}]
missing:
  description: The names from O(name) that no image answers to.
  returned: when O(name) is set
  type: list
  elements: str
  sample: ["redis:7"]
search_results:
  description: The hub's answers to O(search) (name, description, star_count, is_official).
  returned: when O(search) is set
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


from ansible_collections.tprov.docker.plugins.module_utils.images import IMAGE_INFO_ARGUMENT_SPEC, IMAGE_INFO_MODULE_RULES, image_info
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(image_info, IMAGE_INFO_ARGUMENT_SPEC, supports_check_mode=True, **IMAGE_INFO_MODULE_RULES)


if __name__ == '__main__':
    main()
