# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backends of docker_api_container and docker_api_containers: ``backend(module, client)`` ->
the result to exit with, run by ``safe_module.run_engine_module``. An EngineError they raise carries
the result keys a failure reports besides ``msg`` and ``error_kind`` (the actions done so far)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tprov.docker.plugins.module_utils.api_query import filters_param
from ansible_collections.tprov.docker.plugins.module_utils.container_spec import (
    CONTAINER_ARGUMENT_SPEC,
    CONTAINER_REQUIRED_BY,
    ContainerRequest,
)
from ansible_collections.tprov.docker.plugins.module_utils.containers import (
    PARKED_MARK,
    ContainerService,
    container_diff,
    state_of,
)
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError, InvalidOption
from ansible_collections.tprov.docker.plugins.module_utils.images import IMAGE_ARGUMENT_SPEC, parse_image_reference


def converge_container(module, client):
    """docker_api_container: one container."""
    service = ContainerService(client, check_mode=module.check_mode)
    try:
        request = ContainerRequest(module.params)
        for warning in request.warnings:
            module.warn(warning)
        plan, _before, after = service.converge(request)
    except EngineError as exc:
        raise exc.with_details(actions=service.actions)
    result = dict(changed=plan.changed, container=after or {}, changes=plan.changes, actions=service.actions)
    if module._diff:
        result['diff'] = container_diff(plan, after, module.check_mode)
    return result


# docker_api_containers: its own options; each entry of images and containers is validated against
# the single modules' argument specs.
CONTAINERS_ARGUMENT_SPEC = dict(
    images=dict(type='list', elements='dict', default=[]),
    containers=dict(type='list', elements='dict', default=[]),
    managed_label=dict(type='str', default='tprov.docker.managed'),
    managed_label_value=dict(type='str', default='true'),
    prune=dict(type='bool', default=False),
    return_container_data=dict(type='bool', default=False),
)
# Each entry's no_log options (registry_password) are masked from the start.
CONTAINERS_ENTRY_SPECS = dict(images=IMAGE_ARGUMENT_SPEC, containers=CONTAINER_ARGUMENT_SPEC)
IMAGE_VALIDATOR = ArgumentSpecValidator(IMAGE_ARGUMENT_SPEC, required_if=[('source', 'load', ['load_path'])],
                                        required_together=[('registry_username', 'registry_password')])
CONTAINER_VALIDATOR = ArgumentSpecValidator(CONTAINER_ARGUMENT_SPEC, required_by=CONTAINER_REQUIRED_BY)


def validate_entries(module, option, entries, validator, parse):
    """Each entry through the same argument spec as the single module, then ``parse(params)``; the
    parsed entries, or InvalidOption naming the entry."""
    parsed = []
    names = set()
    for index, entry in enumerate(entries):
        label = '%s[%d]' % (option, index)
        if isinstance(entry, dict) and entry.get('name'):
            label += ' (%s)' % entry['name']
        if not isinstance(entry, dict):
            raise InvalidOption('%s must be a dictionary of options, not %r.' % (label, entry))
        result = validator.validate(entry)
        module.no_log_values.update(result._no_log_values)
        if result.error_messages:
            raise InvalidOption('%s: %s' % (label, '; '.join(result.error_messages)))
        params = result.validated_parameters
        key = (params['name'], params.get('tag')) if option == 'images' else params['name']
        if key in names:
            raise InvalidOption('%s is declared twice; give each %s once.' % (label, option[:-1]))
        names.add(key)
        try:
            parsed.append(parse(params))
        except EngineError as exc:
            raise InvalidOption('%s: %s' % (label, exc))
    return parsed


def _check_image(params):
    parse_image_reference(params['name'], params['tag'])
    return params


def with_managed_label(params, key, value):
    labels = dict(params.get('labels') or {})
    labels[key] = value
    return dict(params, labels=labels)


def converge_containers(module, client):
    """docker_api_containers: images first, then containers, then prune. Every entry is validated
    and parsed before the first request, so bad input anywhere changes nothing."""
    p = module.params
    images = validate_entries(module, 'images', p['images'], IMAGE_VALIDATOR, _check_image)
    requests = validate_entries(module, 'containers', p['containers'], CONTAINER_VALIDATOR, lambda params: (
        ContainerRequest(with_managed_label(params, p['managed_label'], p['managed_label_value']))))
    for request in requests:
        for warning in request.warnings:
            module.warn('containers (%s): %s' % (request.name, warning))

    service = ContainerService(client, check_mode=module.check_mode)
    image_results, container_results, pruned, diffs = [], [], [], []
    current = None
    try:
        for index, params in enumerate(images):
            current = 'images[%d] (%s)' % (index, params['name'])
            changed, _before, after, ref = service.image_step(service.images.converge, params)
            image_results.append(dict(name=str(ref), changed=changed, id=(after or {}).get('Id')))
        for index, request in enumerate(requests):
            current = 'containers[%d] (%s)' % (index, request.name)
            plan, _before, after = service.converge(request)
            entry = dict(name=request.name, changed=plan.changed, changes=plan.changes, state=state_of(after),
                         id=(after or {}).get('Id'))
            if p['return_container_data']:
                entry['container'] = after or {}
            container_results.append(entry)
            if module._diff and plan.changed:
                diff = container_diff(plan, after, module.check_mode)
                diff.update(before_header=request.name, after_header=request.name)
                diffs.append(diff)
        if p['prune']:
            current = 'prune'
            declared = set(r.name for r in requests)
            listed = client.get_json('/containers/json', params={
                'all': '1', 'filters': filters_param({'label': ['%s=%s' % (p['managed_label'], p['managed_label_value'])]})})
            for summary in listed:
                name = (summary.get('Names') or ['/'])[0].lstrip('/')
                if name in declared:
                    continue
                if PARKED_MARK in name and summary.get('State') == 'running':
                    # Parked by an interrupted recreate and still serving: never pruned while it runs.
                    service.actions.append('Kept container %s: parked by an interrupted recreate and still running'
                                           % name)
                    continue
                plan, _before, _after = service.converge(ContainerRequest.absent(name))
                if plan.remove:
                    pruned.append(name)
    except EngineError as exc:
        raise EngineError('%s: %s' % (current, exc), kind=exc.kind).with_details(
            actions=service.actions, images=image_results, containers=container_results, pruned=pruned,
            **dict((k, v) for k, v in exc.details.items() if k not in ('actions', 'images', 'containers', 'pruned')))
    changed = any(r['changed'] for r in image_results + container_results) or bool(pruned)
    result = dict(changed=changed, images=image_results, containers=container_results, pruned=pruned,
                  actions=service.actions)
    if module._diff:
        result['diff'] = diffs
    return result
