#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_image
short_description: Pull, load, tag and remove Docker images through the Engine API
version_added: 0.1.0
description:
  - Makes an image present by pulling it (C(POST /images/create)) or by loading a C(docker save)
    archive (C(POST /images/load)), which is how air-gapped hosts get images.
  - Tags it under another name (C(POST /images/{name}/tag)), or removes it (C(DELETE /images/{name})).
  - Idempotent; an image that is present is not pulled again unless O(force). An archive is loaded
    only when the image id it holds (read from its C(manifest.json)) differs from the one the name
    points at.
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Reports what would be pulled, loaded, tagged or removed, and does none of it.
  diff_mode:
    support: full
    description: Shows the image id the name points at before and after.
options:
  name:
    description:
      - The image reference, V(repo), V(repo:tag), V(registry:5000/team/app:1.2) or V(repo@sha256:...).
      - A tag or digest in O(name) wins over O(tag).
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none.
    type: str
    default: latest
  state:
    description:
      - V(present) makes the image exist (and tags it as O(repository) when set).
      - V(absent) removes the tag (and the image when no other tag holds it).
    type: str
    choices: [present, absent]
    default: present
  source:
    description:
      - Where a missing image comes from. V(pull) from its registry, V(load) from O(load_path).
    type: str
    choices: [pull, load]
    default: pull
  load_path:
    description:
      - A C(docker save) archive (tar, optionally gzip-compressed) on the managed node.
      - When the archive holds one image that is not tagged O(name), it is tagged so after loading.
    type: path
  force:
    description:
      - With V(present), pull (or load) again even when the image exists, so a moved tag is followed.
      - With V(absent), remove the image even when containers use it or other tags point at it.
    type: bool
    default: false
  repository:
    description:
      - Also tag the image as this V(repo) or V(repo:tag) (O(tag) when no tag is given).
    type: str
  platform:
    description: The platform to pull, e.g. V(linux/amd64).
    type: str
  registry_username:
    description: User name for the registry, sent as C(X-Registry-Auth) with the pull.
    type: str
  registry_password:
    description: Password or token for O(registry_username). Never logged.
    type: str
  registry_server:
    description: The registry address the credentials are for.
    type: str
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Pull an image (nothing happens when it is already there)
  tprov.docker.docker_api_image:
    name: redis
    tag: "7"

- name: Load an image onto an air-gapped host
  tprov.docker.docker_api_image:
    name: registry.example.com/team/app:1.4
    source: load
    load_path: /srv/images/app-1.4.tar

- name: Tag it as latest
  tprov.docker.docker_api_image:
    name: registry.example.com/team/app:1.4
    repository: registry.example.com/team/app:latest

- name: Remove it
  tprov.docker.docker_api_image:
    name: registry.example.com/team/app:1.4
    state: absent
'''

RETURN = r'''
image:
  description: The image's inspect data (C(GET /images/{name}/json)) after the task; empty when absent.
  returned: success
  type: dict
  sample: {"Id": "sha256:4e1d...", "RepoTags": ["busybox:latest"], "Config": {"Cmd": ["/bin/sh"]}}
actions:
  description: What was done (or in check mode would be done), in words.
  returned: success
  type: list
  elements: str
  sample: ["Loaded image app:1.4 from /srv/images/app-1.4.tar"]
error_kind:
  description:
    - On failure, a stable code saying what went wrong, to test in C(failed_when) or C(when) instead of the
      wording of C(msg), for example V(tls_no_client_cert), V(refused) or V(not_found).
    - The codes are listed in the notes above.
  returned: failure
  type: str
  sample: refused
'''


from ansible_collections.tprov.docker.plugins.module_utils.images import IMAGE_ARGUMENT_SPEC, IMAGE_MODULE_RULES, converge_image
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(converge_image, IMAGE_ARGUMENT_SPEC, supports_check_mode=True, **IMAGE_MODULE_RULES)


if __name__ == '__main__':
    main()
