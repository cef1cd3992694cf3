# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backends of docker_api_container and docker_api_containers: ``backend(module, client)`` ->
the result to exit with, run by ``engine_module.run_engine_module``. An EngineError they raise carries
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
from ansible_collections.tprov.docker.plugins.module_utils.networks import (
    NETWORK_ARGUMENT_SPEC,
    NetworkRequest,
    NetworkService,
    create_body as network_create_body,
    make_network_plan,
    network_diff,
)
from ansible_collections.tprov.docker.plugins.module_utils.volumes import (
    VOLUME_ARGUMENT_SPEC,
    VolumeRequest,
    VolumeService,
    make_volume_plan,
    volume_diff,
)


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


# docker_api_containers: its own options; each entry of networks, volumes, images and containers is
# validated against the single modules' argument specs.
CONTAINERS_ARGUMENT_SPEC = dict(
    networks=dict(type='list', elements='dict', default=[]),
    volumes=dict(type='list', elements='dict', default=[]),
    images=dict(type='list', elements='dict', default=[]),
    containers=dict(type='list', elements='dict', default=[]),
    managed_label=dict(type='str', default='tprov.docker.managed'),
    managed_label_value=dict(type='str', default='true'),
    prune=dict(type='bool', default=False),
    prune_volumes=dict(type='bool', default=False),
    return_container_data=dict(type='bool', default=False),
)
# Each entry's no_log options (registry_password) are masked from the start.
CONTAINERS_ENTRY_SPECS = dict(networks=NETWORK_ARGUMENT_SPEC, volumes=VOLUME_ARGUMENT_SPEC,
                              images=IMAGE_ARGUMENT_SPEC, containers=CONTAINER_ARGUMENT_SPEC)
NETWORK_VALIDATOR = ArgumentSpecValidator(NETWORK_ARGUMENT_SPEC)
VOLUME_VALIDATOR = ArgumentSpecValidator(VOLUME_ARGUMENT_SPEC)
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


def labelled(request, label):
    """``request`` (a NetworkRequest or VolumeRequest) with the managed label set on what it makes.
    A declared label of that key with another value is refused: the module would override it at
    create and then find it differs, recreating the object (a volume: its data) on every run."""
    declared = request.values.get('labels') or {}
    for key, value in label.items():
        if key in declared and declared[key] != value:
            raise InvalidOption('labels: %s is set by the module (managed_label, here %r); leave it out of labels, '
                                'or set managed_label_value.' % (key, value))
    request.create_labels = dict(label)
    return request


def prune_candidates(listed, declared):
    """The names of the labelled objects (network or volume summaries) that are no longer declared; pure."""
    return sorted(set(item.get('Name') for item in listed or [] if item.get('Name') and item['Name'] not in declared))


def in_use_by(users, removed):
    """The users of a network or volume to remove, leaving out the containers this run removes (in
    check mode they still exist, but the run would remove them first); pure."""
    return sorted(set(users or []) - set(removed))


def run_order(requests):
    """The declared networks or volumes as (present, absent): the present ones are converged before
    the containers that use them, the absent ones after the containers this run removes; pure."""
    return ([r for r in requests if r.state != 'absent'], [r for r in requests if r.state == 'absent'])


class BatchRun(object):
    """One docker_api_containers run: the four services share one client and one actions list, so
    the actions are reported in the order done."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.containers = ContainerService(client, check_mode=module.check_mode)
        self.networks = NetworkService(client, check_mode=module.check_mode)
        self.volumes = VolumeService(client, check_mode=module.check_mode)
        self.networks.actions = self.volumes.actions = self.actions = self.containers.actions
        label = module.params['managed_label'], module.params['managed_label_value']
        self.label = {label[0]: label[1]}
        self.label_filter = filters_param({'label': ['%s=%s' % label]})
        self.diffs = []
        self.current = None  # the entry being converged, named in a failure
        # The containers declared absent: with the ones pruned, a network or volume removed in the
        # same run does not count them as its users.
        self.absent_containers = set()
        self.results = dict(networks=[], volumes=[], images=[], containers=[], pruned=[], pruned_networks=[],
                            pruned_volumes=[])

    def add_diff(self, diff, header):
        diff.update(before_header=header, after_header=header)
        self.diffs.append(diff)

    def converge_entries(self, option, declared, selected, converge):
        """Converge ``selected``, some of the ``declared`` entries of ``option``, in their order."""
        for request in selected:
            self.current = '%s[%d] (%s)' % (option, declared.index(request), request.name)
            converge(request)

    @property
    def removed(self):
        return self.absent_containers | set(self.results['pruned'])

    def network(self, request):
        if request.state == 'absent':
            observed = self.networks.observe(request)
            observed.users = [u for u in observed.users or [] if u.name not in self.removed]
            plan = make_network_plan(request, observed)
            after = self.networks.apply(plan)
        else:
            plan, after = self.networks.converge(request)
        if self.module.check_mode and plan.create:
            self.containers.pending_networks[request.name] = network_create_body(request)
        self.results['networks'].append(dict(name=request.name, changed=plan.changed, changes=plan.changes,
                                             state=request.state, id=(after or {}).get('Id')))
        if self.module._diff and plan.changed:
            self.add_diff(network_diff(plan, request.state), 'network %s' % request.name)

    def volume(self, request):
        if request.state == 'absent':
            observed = self.volumes.observe(request)
            observed.users = in_use_by(observed.users, self.removed)
            plan = make_volume_plan(request, observed)
            after = self.volumes.apply(plan)
        else:
            plan, after = self.volumes.converge(request)
        for warning in plan.warnings:
            self.module.warn('volumes (%s): %s' % (request.name, warning))
        self.results['volumes'].append(dict(name=request.name, changed=plan.changed, changes=plan.changes,
                                            state=request.state))
        if self.module._diff and plan.changed:
            self.add_diff(volume_diff(plan), 'volume %s' % request.name)

    def prune_containers(self, declared):
        listed = self.client.get_json('/containers/json', params={'all': '1', 'filters': self.label_filter})
        for summary in listed:
            name = (summary.get('Names') or ['/'])[0].lstrip('/')
            if name in declared:
                continue
            if PARKED_MARK in name and summary.get('State') == 'running':
                # Parked by an interrupted recreate and still serving: never pruned while it runs.
                self.actions.append('Kept container %s: parked by an interrupted recreate and still running' % name)
                continue
            plan, _before, _after = self.containers.converge(ContainerRequest.absent(name))
            if plan.remove:
                self.results['pruned'].append(name)

    def kept(self, kind, name, users):
        # Never forced: the containers using it are not this run's to disconnect or to lose data for.
        message = 'Kept %s %s: it is no longer declared, but container%s %s use%s it' % (
            kind, name, 's' if len(users) > 1 else '', ', '.join(users), '' if len(users) > 1 else 's')
        self.actions.append(message)
        self.module.warn(message + '; remove them (or their use of it) and it is pruned on the next run.')

    def prune_networks(self, declared):
        listed = self.client.get_json('/networks', params={'filters': self.label_filter})
        self._prune('network', listed, declared, self.networks, NetworkRequest, make_network_plan,
                    lambda users: [u.name for u in users])

    def prune_volumes(self, declared):
        listed = (self.client.get_json('/volumes', params={'filters': self.label_filter}) or {}).get('Volumes')
        self._prune('volume', listed, declared, self.volumes, VolumeRequest, make_volume_plan, list)

    def _prune(self, kind, listed, declared, service, request_class, make_plan, user_names):
        """Remove each listed labelled network or volume that is not declared, through its service's
        own absent plan; one still in use (but for the containers pruned in this run) is kept."""
        for name in prune_candidates(listed, declared):
            request = request_class({'name': name, 'state': 'absent'})
            observed = service.observe(request)
            users = in_use_by(user_names(observed.users or []), self.removed)
            if users:
                self.kept(kind, name, users)
                continue
            observed.users = []
            plan = make_plan(request, observed)
            service.apply(plan)
            if plan.remove:
                self.results['pruned_%ss' % kind].append(name)


def converge_containers(module, client):
    """docker_api_containers: present networks and volumes first (the containers use them), then
    images, then containers, then absent volumes and networks (the containers removed in this run no
    longer use them), then prune (containers first, so the networks and volumes they used are free).
    Every entry is validated and parsed before the first request, so bad input anywhere changes nothing."""
    p = module.params
    run = BatchRun(module, client)
    networks = validate_entries(module, 'networks', p['networks'], NETWORK_VALIDATOR, lambda params: (
        labelled(NetworkRequest(params), run.label)))
    volumes = validate_entries(module, 'volumes', p['volumes'], VOLUME_VALIDATOR, lambda params: (
        labelled(VolumeRequest(params), run.label)))
    images = validate_entries(module, 'images', p['images'], IMAGE_VALIDATOR, _check_image)
    requests = validate_entries(module, 'containers', p['containers'], CONTAINER_VALIDATOR, lambda params: (
        ContainerRequest(with_managed_label(params, p['managed_label'], p['managed_label_value']))))
    for request in requests:
        for warning in request.warnings:
            module.warn('containers (%s): %s' % (request.name, warning))
    if p['prune_volumes'] and not p['prune']:
        module.warn('prune_volumes: true removes nothing without prune: true; set prune: true as well to remove '
                    'the managed volumes no longer declared.')

    service, results = run.containers, run.results
    run.absent_containers = set(r.name for r in requests if r.state == 'absent')
    present_networks, absent_networks = run_order(networks)
    present_volumes, absent_volumes = run_order(volumes)
    try:
        run.converge_entries('networks', networks, present_networks, run.network)
        run.converge_entries('volumes', volumes, present_volumes, run.volume)
        for index, params in enumerate(images):
            run.current = 'images[%d] (%s)' % (index, params['name'])
            changed, _before, after, ref = service.image_step(service.images.converge, params)
            results['images'].append(dict(name=str(ref), changed=changed, id=(after or {}).get('Id')))
        for index, request in enumerate(requests):
            run.current = 'containers[%d] (%s)' % (index, request.name)
            plan, _before, after = service.converge(request)
            entry = dict(name=request.name, changed=plan.changed, changes=plan.changes, state=state_of(after),
                         id=(after or {}).get('Id'))
            if p['return_container_data']:
                entry['container'] = after or {}
            results['containers'].append(entry)
            if module._diff and plan.changed:
                run.add_diff(container_diff(plan, after, module.check_mode), request.name)
        if p['prune']:
            run.current = 'prune'
            run.prune_containers(set(r.name for r in requests))
        run.converge_entries('volumes', volumes, absent_volumes, run.volume)
        run.converge_entries('networks', networks, absent_networks, run.network)
        if p['prune']:
            run.current = 'prune'
            run.prune_networks(set(r.name for r in networks))
            if p['prune_volumes']:
                run.prune_volumes(set(r.name for r in volumes))
    except EngineError as exc:
        raise EngineError('%s: %s' % (run.current, exc), kind=exc.kind).with_details(actions=service.actions, **dict(
            results, **dict((k, v) for k, v in exc.details.items() if k != 'actions' and k not in results)))
    changed = any(r['changed'] for key in ('networks', 'volumes', 'images', 'containers') for r in results[key]) or any(
        results[key] for key in ('pruned', 'pruned_networks', 'pruned_volumes'))
    result = dict(changed=changed, actions=service.actions, **results)
    if module._diff:
        result['diff'] = run.diffs
    return result
