#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_containers
short_description: Converge many images and containers in one module run (what the containers role uses)
version_added: 0.1.0
description:
  - The images of M(tprov.docker.docker_api_image) and the containers of M(tprov.docker.docker_api_container),
    declared as lists, converged in one process over one connection - one version negotiation and two Engine API
    requests per unchanged container, instead of one module start per container.
  - Every entry is checked (types, choices, ports, sizes, ...) before the first request, so bad input anywhere in
    the lists changes nothing. Entries are then converged in order, images first.
  - Containers it creates carry the label O(managed_label)=O(managed_label_value); O(prune) removes containers with
    that label that are no longer declared, and never one without it.
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Reports what each entry would change; changes nothing.
  diff_mode:
    support: full
    description: Per container, the compared options that differ and the state, as M(tprov.docker.docker_api_container).
options:
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
    description: Remove containers that carry O(managed_label)=O(managed_label_value) and are not in O(containers).
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
    prune: true
  delegate_to: localhost
'''

RETURN = r'''
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
actions:
  description: What was done (or in check mode would be done), in words, in order.
  returned: always
  type: list
  elements: str
'''

import json

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tprov.docker.plugins.module_utils.container_spec import (
    CONTAINER_ARGUMENT_SPEC,
    CONTAINER_REQUIRED_BY,
    normalise_params,
    resolve_comparisons,
)
from ansible_collections.tprov.docker.plugins.module_utils.containers import (
    PARKED_MARK,
    ContainerService,
    container_diff,
    state_of,
)
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError
from ansible_collections.tprov.docker.plugins.module_utils.images import IMAGE_ARGUMENT_SPEC, parse_image_reference
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule, client_from_module, connection_argument_spec

IMAGE_VALIDATOR = ArgumentSpecValidator(IMAGE_ARGUMENT_SPEC, required_if=[('source', 'load', ['load_path'])],
                                        required_together=[('registry_username', 'registry_password')])
CONTAINER_VALIDATOR = ArgumentSpecValidator(CONTAINER_ARGUMENT_SPEC, required_by=CONTAINER_REQUIRED_BY)


def validate_entries(module, option, entries, validator, check):
    """Each entry through the same argument spec as the single module; errors name the entry."""
    validated = []
    names = set()
    for index, entry in enumerate(entries):
        label = '%s[%d]' % (option, index)
        if isinstance(entry, dict) and entry.get('name'):
            label += ' (%s)' % entry['name']
        if not isinstance(entry, dict):
            module.fail_json(msg='%s must be a dictionary of options, not %r.' % (label, entry))
        result = validator.validate(entry)
        module.no_log_values.update(result._no_log_values)
        if result.error_messages:
            module.fail_json(msg='%s: %s' % (label, '; '.join(result.error_messages)))
        params = result.validated_parameters
        key = (params['name'], params.get('tag')) if option == 'images' else params['name']
        if key in names:
            module.fail_json(msg='%s is declared twice; give each %s once.' % (label, option[:-1]))
        names.add(key)
        try:
            check(params)
        except EngineError as exc:
            module.fail_json(msg='%s: %s' % (label, exc))
        validated.append(params)
    return validated


def check_container(params):
    if params['state'] != 'absent':
        normalise_params(params)
        resolve_comparisons(params.get('comparisons'))


def check_image(params):
    parse_image_reference(params['name'], params['tag'])


def with_managed_label(params, key, value):
    labels = dict(params.get('labels') or {})
    labels[key] = value
    return dict(params, labels=labels)


def main():
    module = SafeModule(
        argument_spec=connection_argument_spec(
            images=dict(type='list', elements='dict', default=[]),
            containers=dict(type='list', elements='dict', default=[]),
            managed_label=dict(type='str', default='tprov.docker.managed'),
            managed_label_value=dict(type='str', default='true'),
            prune=dict(type='bool', default=False),
            return_container_data=dict(type='bool', default=False),
        ),
        # Each entry is validated below; their no_log options (registry_password) are masked from the start.
        entry_specs=dict(images=IMAGE_ARGUMENT_SPEC, containers=CONTAINER_ARGUMENT_SPEC),
        supports_check_mode=True,
    )
    p = module.params
    images = validate_entries(module, 'images', p['images'], IMAGE_VALIDATOR, check_image)
    containers = validate_entries(module, 'containers', p['containers'], CONTAINER_VALIDATOR, check_container)

    client = client_from_module(module)
    service = ContainerService(client, check_mode=module.check_mode)
    image_results, container_results, pruned, diffs = [], [], [], []
    current = None
    try:
        for index, params in enumerate(images):
            current = 'images[%d] (%s)' % (index, params['name'])
            changed, _before, after, ref = service.images.converge(params)
            image_results.append(dict(name=str(ref), changed=changed, id=(after or {}).get('Id')))
        for index, params in enumerate(containers):
            current = 'containers[%d] (%s)' % (index, params['name'])
            params = with_managed_label(params, p['managed_label'], p['managed_label_value'])
            plan, before, after = service.converge(params)
            entry = dict(name=params['name'], changed=plan.changed, changes=plan.changes, state=state_of(after),
                         id=(after or {}).get('Id'))
            if p['return_container_data']:
                entry['container'] = after or {}
            container_results.append(entry)
            if module._diff and plan.changed:
                diff = container_diff(params, plan, before, after, module.check_mode)
                diff.update(before_header=params['name'], after_header=params['name'])
                diffs.append(diff)
        if p['prune']:
            current = 'prune'
            declared = set(c['name'] for c in containers)
            label = '%s=%s' % (p['managed_label'], p['managed_label_value'])
            listed = client.get_json('/containers/json', params={
                'all': '1', 'filters': json.dumps({'label': [label]})})
            for summary in listed:
                name = (summary.get('Names') or ['/'])[0].lstrip('/')
                if name in declared:
                    continue
                if PARKED_MARK in name and summary.get('State') == 'running':
                    # Parked by an interrupted recreate and still serving: never pruned while it runs.
                    service.actions.append('Kept container %s: parked by an interrupted recreate and still running'
                                           % name)
                    continue
                plan, _before, _after = service.converge(dict(name=name, state='absent', force_kill=False,
                                                              keep_volumes=True, stop_timeout=None))
                if plan.remove:
                    pruned.append(name)
    except EngineError as exc:
        module.fail_json(msg='%s: %s' % (current, exc), actions=service.actions, images=image_results,
                         containers=container_results, pruned=pruned)
    changed = any(r['changed'] for r in image_results + container_results) or bool(pruned)
    result = dict(changed=changed, images=image_results, containers=container_results, pruned=pruned,
                  actions=service.actions)
    if module._diff:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
