# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge one Docker volume: a validated request in, what the engine has read, a plan made
without I/O, then the plan applied (the shape of containers.py and networks.py).

Volumes hold data, so nothing here loses it unasked: a difference from the declaration is only
reported (a warning naming it) unless ``recreate: options-changed``, and a volume that containers
use - running or not - is never removed or recreated; the task fails naming them. The Engine API
cannot change a volume in place.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import quote

from ansible_collections.tprov.docker.plugins.module_utils.api_query import filters_param, filters_query
from ansible_collections.tprov.docker.plugins.module_utils.container_spec import labels_to_add, stringify_mapping
from ansible_collections.tprov.docker.plugins.module_utils.engine_info import inspect_by_name
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError, InUse, InvalidOption

# The engine's rule for volume names (daemon/names: RestrictedNamePattern).
_NAME_RE = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]+$')

VOLUME_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    driver=dict(type='str', default='local'),
    driver_options=dict(type='dict'),
    labels=dict(type='dict'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    recreate=dict(type='str', default='never', choices=['never', 'options-changed']),
)

VOLUME_INFO_ARGUMENT_SPEC = dict(
    name=dict(type='str'),
    filters=dict(type='dict'),
)
VOLUME_INFO_MODULE_RULES = dict(mutually_exclusive=[('name', 'filters')])


class VolumeRequest(object):
    """docker_api_volume's options, checked; ``values`` holds the compared ones (the driver, and
    the declared driver options and labels)."""

    def __init__(self, params):
        self.name = params.get('name') or ''
        if not _NAME_RE.match(self.name):
            raise InvalidOption('name: %r is not a volume name; use two or more of letters, digits, _ . - '
                                'starting with a letter or digit.' % self.name)
        self.state = params.get('state') or 'present'
        self.recreate = params.get('recreate') or 'never'
        driver = (params.get('driver') or 'local').strip()
        if not driver:
            raise InvalidOption('driver must name a volume driver (local, or a plugin), not be empty.')
        self.values = {'driver': driver}
        for option in ('driver_options', 'labels'):
            if params.get(option) is not None:
                self.values[option] = stringify_mapping(params[option], option)
        # Labels set on a volume this request makes but never compared (docker_api_containers'
        # managed label; on a recreate only if the old one had it: a volume made outside stays
        # unlabelled, and is never pruned).
        self.create_labels = {}


def declared_view(values, volume):
    """What the volume has of each compared option (for mappings only the declared keys)."""
    actual = {'driver': volume.get('Driver'), 'driver_options': dict(volume.get('Options') or {}),
              'labels': dict(volume.get('Labels') or {})}
    view = {}
    for option, wanted in values.items():
        have = actual[option]
        view[option] = dict((k, have.get(k)) for k in wanted) if isinstance(wanted, dict) else have
    return view


def volume_differences(values, volume):
    """The compared options the volume does not match, each as {option, before, after}; a mapping
    compares its declared keys only."""
    view = declared_view(values, volume)
    return [{'option': option, 'before': view[option], 'after': values[option]}
            for option in sorted(values) if view[option] != values[option]]


class VolumeObserved(object):
    """``volume``: inspect data or None; ``users``: the names of the containers using it, read only
    when it is to be removed or recreated (else None)."""

    def __init__(self, volume, users=None):
        self.volume = volume
        self.users = users


class VolumePlan(object):
    def __init__(self, request, observed):
        self.request = request
        self.volume = observed.volume
        self.create = False
        self.recreate = False
        self.remove = False
        self.changes = []
        self.warnings = []

    @property
    def changed(self):
        return self.create or self.recreate or self.remove


def in_use_message(name, users, what):
    plural = 's' if len(users) > 1 else ''
    return 'volume %s is used by container%s %s: %s' % (name, plural, ', '.join(sorted(users)), what)


def wants_recreate(request, volume):
    return request.state == 'present' and request.recreate == 'options-changed' and bool(
        volume_differences(request.values, volume))


def make_volume_plan(request, observed):
    """The plan for ``request`` given what the engine has; pure (no request is sent)."""
    plan = VolumePlan(request, observed)
    volume = observed.volume
    if request.state == 'absent':
        if volume is None:
            return plan
        if observed.users:
            raise InUse(in_use_message(request.name, observed.users,
                                       'remove them (or their use of it) first; a volume in use is never removed.'))
        plan.remove = True
        return plan
    if volume is None:
        plan.create = True
        return plan
    plan.changes = volume_differences(request.values, volume)
    if not plan.changes:
        return plan
    differing = ', '.join(c['option'] for c in plan.changes)
    if request.recreate == 'never':
        plan.warnings.append('volume %s differs from the task in %s; it was left as it is (recreate: never, as '
                             'volumes hold data). Set recreate: options-changed to recreate it - its data is lost.'
                             % (request.name, differing))
        return plan
    if observed.users:
        raise InUse(in_use_message(request.name, observed.users,
                                   'it differs in %s, but a volume in use is never recreated; remove the containers '
                                   'first.' % differing))
    plan.recreate = True
    return plan


def create_body(request, old=None):
    """POST /volumes/create's body; ``old``: the inspect data of the volume it replaces (a recreate)."""
    added = labels_to_add(request.create_labels, None if old is None else (old.get('Labels') or {}))
    return {'Name': request.name, 'Driver': request.values['driver'],
            'DriverOpts': request.values.get('driver_options') or {},
            'Labels': dict(request.values.get('labels') or {}, **added)}


def volume_diff(plan):
    request = plan.request
    before = declared_view(request.values, plan.volume) if plan.volume else {}
    before['state'] = 'present' if plan.volume else 'absent'
    if request.state == 'absent':
        after = {'state': 'absent'}
    elif plan.create or plan.recreate:
        after = dict(request.values, state='present')
    else:
        after = dict(before)  # a difference left alone (recreate: never) is not shown as changed
    return dict(before=before, after=after)


class VolumeService(object):
    """Converges volumes over one client; ``actions`` lists what was (or would be) done."""

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self.actions = []

    def inspect(self, name):
        return self.client.get_json_or_none('/volumes/%s' % quote(name, safe=''))

    def users(self, name):
        """The names of the containers (running or not) that mount the volume."""
        listed = self.client.get_json('/containers/json', params={
            'all': '1', 'filters': filters_param({'volume': [name]})})
        return [(c.get('Names') or ['/' + c['Id'][:12]])[0].lstrip('/') for c in listed or []]

    def observe(self, request):
        volume = self.inspect(request.name)
        observed = VolumeObserved(volume)
        if volume is not None and (request.state == 'absent' or wants_recreate(request, volume)):
            observed.users = self.users(request.name)
        return observed

    def apply(self, plan):
        """Carry out the plan; the volume's inspect data afterwards (the current one in check mode).
        An action is listed once done (in check mode: would be done), so a failure lists only what happened."""
        name = plan.request.name
        if plan.remove:
            if not self.check_mode:
                self._remove(name)
            self.actions.append('Removed volume %s' % name)
            return {}
        if not (plan.create or plan.recreate):
            return plan.volume
        done = 'Created volume %s' % name if plan.create else 'Recreated volume %s (%s)' % (
            name, ', '.join(c['option'] for c in plan.changes))
        if self.check_mode:
            self.actions.append(done)
            return plan.volume or {}
        if plan.recreate:
            self._remove(name)
        try:
            made = self.client.post('/volumes/create', json_body=create_body(plan.request, plan.volume if plan.recreate else None))
        except EngineError as exc:
            if plan.recreate:
                self.actions.append('Removed volume %s' % name)
            raise EngineError('Volume %s could not be %s: %s (check driver and driver_options).' % (
                name, 'created' if plan.create else 'made again after its removal (its data is gone)',
                getattr(exc, 'explanation', None) or exc), kind=exc.kind)
        self.actions.append(done)
        return made

    def _remove(self, name):
        try:
            self.client.delete('/volumes/%s' % quote(name, safe=''))
        except EngineError as exc:
            # A container that started using it since the check: the engine refuses (409).
            raise EngineError('Volume %s could not be removed: %s' % (name, getattr(exc, 'explanation', None) or exc),
                              kind=exc.kind)

    def converge(self, request):
        """Converge one volume: (plan, volume after)."""
        plan = make_volume_plan(request, self.observe(request))
        return plan, self.apply(plan)


def converge_volume(module, client):
    """docker_api_volume's backend: converge the volume; the module result."""
    service = VolumeService(client, check_mode=module.check_mode)
    try:
        request = VolumeRequest(module.params)
        plan, after = service.converge(request)
    except EngineError as exc:
        raise exc.with_details(actions=service.actions)
    for warning in plan.warnings:
        module.warn(warning)
    result = dict(changed=plan.changed, volume=after or {}, changes=plan.changes, actions=service.actions)
    if module._diff:
        result['diff'] = volume_diff(plan)
    return result


def volume_info(module, client):
    """docker_api_volume_info's backend: one volume's inspect data (name), or the list."""
    params = module.params
    if params['name'] is not None:
        return inspect_by_name(client, params['name'], 'volume', '/volumes/%s')
    listed = client.get_json('/volumes', params=filters_query(params['filters'])) or {}
    for warning in listed.get('Warnings') or []:
        module.warn('Docker engine: %s' % warning)
    return dict(changed=False, volumes=listed.get('Volumes') or [])
