# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge one container: a validated request in, what the engine has read, a plan made without
I/O, then the plan applied.

:class:`ContainerRequest` (container_spec) is built once from the module's parameters.
:meth:`ContainerService.observe` reads what planning needs (the container, its image, the listed
networks; pulling the image is the one change made before planning, because the image's id decides
the plan). :func:`make_plan` is pure. :meth:`ContainerService.apply` carries the plan out, and is
the only step that changes the host (check mode skips it). An idempotent check costs two requests
after version negotiation: the container's inspect and the image's inspect, plus one list per
module run for containers an interrupted recreate left parked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
import struct
import time
from urllib.parse import quote

from ansible_collections.tprov.docker.plugins.module_utils.api_query import filters_param
from ansible_collections.tprov.docker.plugins.module_utils.container_spec import (
    OPTIONS_BY_NAME,
    ContainerRequest,
    SpecError,
    build_create_body,
    differences,
    endpoint_config,
    network_operations,
)
from ansible_collections.tprov.docker.plugins.module_utils.errors import Conflict, EngineError, NotFound
from ansible_collections.tprov.docker.plugins.module_utils.images import ImageService, parse_image_reference


# A recreate parks the old container as NAME-tprov-replaced-<12 hex of its id> until the new one runs.
PARKED_MARK = '-tprov-replaced-'


class NameTaken(EngineError):
    """The create found the name taken (a container made since our inspect)."""

    default_kind = 'conflict'


class Observed(object):
    """What the engine has, read before planning.

    ``container``: its inspect data or None. ``image``: the image to run (None without ``image``).
    ``reference_image``: the image whose defaults the engine filled in (``image``, else the
    container's own). ``values``: the request's values with each listed network keyed by the name
    the engine reports.
    """

    def __init__(self, container, image=None, reference_image=None, values=None):
        self.container = container
        self.image = image
        self.reference_image = reference_image
        self.values = values or {}


class Plan(object):
    """What converging will do, decided before any change is made; :meth:`ContainerService.apply`
    carries it out."""

    def __init__(self, request, observed):
        self.request = request
        self.container = observed.container
        self.image = observed.image
        self.values = observed.values
        self.create = False
        self.recreate = False
        self.update = {}
        self.networks = []  # ('connect' | 'disconnect', network name, settings), in order
        self.start = False
        self.stop = False
        self.restart = False
        self.remove = False
        self.changes = []
        self.reconciled = False  # a container parked by an interrupted recreate was restored or removed

    @property
    def changed(self):
        return any((self.create, self.recreate, self.update, self.networks, self.start, self.stop, self.restart,
                    self.remove, self.reconciled))


def decode_log_stream(data, tty):
    """Docker's multiplexed log frames (8-byte headers) to text; a TTY stream is raw."""
    if tty:
        return data.decode('utf-8', 'replace')
    out, offset = [], 0
    while offset + 8 <= len(data):
        size = struct.unpack('>I', data[offset + 4:offset + 8])[0]
        out.append(data[offset + 8:offset + 8 + size].decode('utf-8', 'replace'))
        offset += 8 + size
    return ''.join(out)


def check_addresses_fit(network, settings):
    """A fixed address must lie in one of the network's subnets: the engine would only say so when
    the container starts, after it was created."""
    subnets = [ipaddress.ip_network(u'%s' % c['Subnet'], strict=False)
               for c in ((network.get('IPAM') or {}).get('Config') or []) if c.get('Subnet')]
    for field in ('ipv4_address', 'ipv6_address'):
        address = settings.get(field)
        if not address:
            continue
        ip = ipaddress.ip_address(u'%s' % address)
        if not any(ip.version == net.version and ip in net for net in subnets):
            raise SpecError('networks: %s %s is not in a subnet of network %s (%s); pick an address from it, '
                            'or create the network with --subnet.' % (
                                field, address, network.get('Name'),
                                ', '.join(str(n) for n in subnets) or 'no subnet configured'))


def state_of(container):
    if not container:
        return 'absent'
    return (container.get('State') or {}).get('Status') or 'unknown'


def container_diff(plan, after, check_mode):
    """Diff mode's before/after: the compared options that differ, and the state."""
    before_view = dict((c['option'], c['before']) for c in plan.changes)
    after_view = dict((c['option'], c['after']) for c in plan.changes)
    before_view['state'] = state_of(plan.container)
    if plan.remove:
        after_view['state'] = 'absent'
    else:
        after_view['state'] = plan.request.state if check_mode else state_of(after)
    return dict(before=before_view, after=after_view)


def is_running(container):
    return bool(container and (container.get('State') or {}).get('Running'))


def make_plan(request, observed):
    """The plan for ``request`` given what the engine has; pure (no request is sent)."""
    plan = Plan(request, observed)
    container, image, values = observed.container, observed.image, observed.values
    if request.state == 'absent':
        plan.remove = container is not None
        return plan
    if container is None:
        plan.create = True
    else:
        comparisons = request.comparisons
        if image is not None and comparisons['image'] != 'ignore' and container.get('Image') != image.get('Id'):
            plan.changes.append({'option': 'image', 'before': container.get('Image'), 'after': image.get('Id')})
        plan.changes.extend(differences(values, container, observed.reference_image, comparisons))
        # 'image' (and 'recreate') are not options: a new image id always recreates.
        how = [getattr(OPTIONS_BY_NAME.get(change['option']), 'updatable', False) for change in plan.changes]
        if request.recreate or not all(how):
            plan.recreate = True
            if request.recreate and not plan.changes:
                plan.changes.append({'option': 'recreate', 'before': None, 'after': True})
        else:
            in_place = [OPTIONS_BY_NAME[c['option']] for c in plan.changes if OPTIONS_BY_NAME[c['option']].update_key]
            plan.update = dict((o.update_key, o.to_api(values[o.name])) for o in in_place)
            if 'connect' in how:
                plan.networks = network_operations(values['networks'], OPTIONS_BY_NAME['networks'].actual(
                    container, None), comparisons['networks'])
    fresh = plan.create or plan.recreate
    running = is_running(container) and not fresh
    if request.state == 'started':
        plan.start = not running
        plan.restart = request.restart and running and not plan.start
    elif request.state == 'stopped':
        plan.stop = is_running(container) and not fresh
    elif request.state == 'restarted':
        plan.restart = running
        plan.start = not running
    elif request.state == 'present' and plan.recreate and is_running(container):
        plan.start = True  # a recreated container keeps running if it was
    return plan


class ContainerService(object):
    """Converges containers over one client. ``actions`` lists what was (or in check mode would be)
    done, in order, including the image pulls the containers needed."""

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self._parked = None  # containers left parked by an interrupted recreate (listed on first use)
        self.images = ImageService(client, check_mode=check_mode)
        self.actions = []
        # Check mode: the networks the same run would have created (name -> the create body, which
        # reads like their inspect data), so a container declared on one is planned, not refused.
        self.pending_networks = {}

    def inspect(self, name_or_id):
        return self.client.get_json_or_none('/containers/%s/json' % quote(name_or_id, safe=''))

    # -- image ---------------------------------------------------------------------------------
    def image_step(self, step, *args, **kwargs):
        """Run an ImageService method; what it did joins this service's actions, in order, also when
        it fails (the image service keeps a list of its own)."""
        try:
            return step(*args, **kwargs)
        finally:
            self.actions.extend(self.images.actions)
            del self.images.actions[:]

    def ensure_image(self, image, pull):
        """The image's inspect data, pulled according to ``pull`` (missing, always, never)."""
        ref = parse_image_reference(image, tag=None, option='image')
        current = self.images.inspect(ref)
        if pull == 'never':
            if current is None:
                raise SpecError('image %s is not on the engine and pull is never: load it first '
                                '(tprov.docker.docker_api_image with source: load) or set pull: missing.' % ref)
            return current
        if ref.image_id:
            if current is None:
                raise SpecError('image %s (an image id) is not on the engine; ids cannot be pulled.' % image)
            return current
        return self.image_step(self.images.pull, ref, force=(pull == 'always'), current=current)[1]

    # -- reading what planning needs ------------------------------------------------------------
    def observe(self, request, container):
        """What :func:`make_plan` needs besides the request: the image (pulled as ``request.pull``
        says), the image whose defaults to compare against, and the listed networks resolved."""
        if request.state == 'absent':
            return Observed(container)
        values = dict(request.values)
        if values.get('networks'):
            values['networks'] = self.resolve_networks(values['networks'], container)
        image = None
        if request.image:
            image = self.ensure_image(request.image, request.pull)
            if image is None:  # check mode, would pull
                image = {'Id': 'sha256:(would be pulled)'}
        elif container is None:
            raise SpecError('image is required to create container %s.' % request.name)
        reference = image if image is not None or container is None else self._image_of(container)
        return Observed(container, image, reference, values)

    def _image_of(self, container):
        """The container's own image, for the defaults it filled in (one request, only without image)."""
        image_id = container.get('Image')
        return self.client.get_json_or_none('/images/%s/json' % quote(image_id, safe='')) if image_id else None

    # -- acting --------------------------------------------------------------------------------
    def apply(self, plan):
        """Carry out the plan; return the container's inspect data afterwards (predicted in check mode)."""
        request, container, values, image = plan.request, plan.container, plan.values, plan.image
        name = request.name
        cid = container['Id'] if container else None
        if request.state == 'absent':
            if plan.remove:
                self.actions.append('Removed container %s' % name)
                if not self.check_mode:
                    self._remove(container, request)
            return {}
        started = False
        if plan.recreate:
            self.actions.append('Recreated container %s (%s)' % (
                name, ', '.join(c['option'] for c in plan.changes) or 'recreate'))
            if not self.check_mode:
                cid = self._recreate(request, values, plan, container, image)
                started = plan.start
        elif plan.create:
            if not self.check_mode:
                cid = self._create(request, values, image)
            # Said once the name is ours: a create that found it taken is retried, and said nothing.
            self.actions.append('Created container %s' % name)
        else:
            if plan.update:
                self.actions.append('Updated container %s in place (%s)' % (name, ', '.join(sorted(plan.update))))
                if not self.check_mode:
                    self.client.post('/containers/%s/update' % cid, json_body=plan.update)
            self._apply_network_operations(plan.networks, name, cid)
        if self.check_mode:
            return container or {}
        if plan.stop:
            self.actions.append('Stopped container %s' % name)
            self._stop(cid, request)
        if plan.restart:
            self.actions.append('Restarted container %s' % name)
            query = {'t': str(request.stop_timeout)} if request.stop_timeout is not None else None
            self.client.post('/containers/%s/restart' % cid, params=query, timeout=self._stop_wait(request))
        if plan.start:
            self.actions.append('Started container %s' % name)
        if plan.start and not started:
            try:
                self.client.post('/containers/%s/start' % cid)
            except EngineError as exc:
                if plan.create:
                    # Made by this run and unusable: remove it again, so a failure leaves nothing half-made.
                    self.client.delete('/containers/%s' % cid, params={'force': 'true', 'v': 'true'})
                    self.actions.append('Removed container %s again (it failed to start)' % name)
                    raise EngineError('Container %s was created but failed to start, so it was removed again: %s'
                                      % (name, exc), kind=exc.kind)
                raise EngineError('Container %s is present but failed to start: %s' % (name, exc), kind=exc.kind)
        if (plan.start or plan.restart) and request.wait:
            return self._wait(cid, request)
        if plan.changed:
            return self.inspect(cid) or {}
        return container

    def _recreate(self, request, values, plan, container, image):
        """Replace ``container`` by a new one, keeping the old one until the new one is made and started.

        The old container is renamed aside, the new one created under the name; only when that
        worked (and, when it should run, it started) is the old one removed. On any failure the new
        one goes and the old one gets its name back - running again if it was - so a recreate that
        the engine refuses changes nothing. Returns the new container's id.
        """
        name, old_id = request.name, container['Id']
        parked = '%s%s%s' % (name, PARKED_MARK, old_id[:12])
        self.client.post('/containers/%s/rename' % old_id, params={'name': parked})
        try:
            cid = self._create(request, values, image)
        except EngineError as exc:
            self._put_back(old_id, name, restart=False)
            raise EngineError('Could not create the new container %s, so the previous one (%s) was kept as it was: %s'
                              % (name, old_id[:12], exc), kind=exc.kind)
        was_running = is_running(container)
        stopped = dict(container, State=dict(container.get('State') or {}, Running=False))
        if was_running and plan.start and (container.get('HostConfig') or {}).get('AutoRemove'):
            # Stopping an auto_remove container deletes it: if the new one then failed to start there
            # would be nothing to put back. So the new one starts beside the old one first.
            try:
                self.client.post('/containers/%s/start' % cid)
            except EngineError as exc:
                self._give_way_to_the_old_one(cid, old_id, name, 'its start failed (the engine said: %s)' % exc)
            # A started process may still exit moments later (a port or lock the old one holds), and
            # being auto_remove it then deletes itself: the old one goes only once the new one has settled.
            current, problem = self._settle(cid, (request.wait_timeout or 60) if request.wait else None)
            if problem:
                self._give_way_to_the_old_one(cid, old_id, name, self._describe_problem(cid, current, problem))
            self._remove(container, request)  # stops it; it deletes itself
            return cid
        try:
            if was_running:
                self._stop(old_id, request)  # frees its published ports for the new one
            if plan.start:
                self.client.post('/containers/%s/start' % cid)
        except EngineError as exc:
            self._discard(cid)
            kept = self._put_back(old_id, name, restart=was_running)
            raise EngineError('The new container %s failed to start, so it was removed again and %s: %s'
                              % (name, kept, exc), kind=exc.kind)
        try:
            self._remove(stopped, request)
        except EngineError as exc:
            raise EngineError('Recreated container %s, but the previous one (now named %s) could not be removed: %s'
                              % (name, parked, exc), kind=exc.kind)
        return cid

    def _discard(self, cid):
        """Remove a container this run made and could not use; an auto_remove one may be gone already."""
        try:
            self.client.delete('/containers/%s' % cid, params={'force': 'true', 'v': 'true'})
        except NotFound:
            pass
        except Conflict as exc:
            if 'already in progress' not in (exc.explanation or ''):
                raise
        deadline = time.time() + 30
        while time.time() < deadline and self.inspect(cid) is not None:
            time.sleep(0.1)  # removal by auto_remove is asynchronous; the name must be free again

    def _put_back(self, old_id, name, restart):
        """Give a parked container its name back (and start it again); says what became of it."""
        try:
            self.client.post('/containers/%s/rename' % old_id, params={'name': name})
            if restart:
                self.client.post('/containers/%s/start' % old_id)
        except NotFound:
            return 'the previous one is gone (auto_remove removed it when it stopped)'
        return 'the previous one (%s) was put back%s' % (old_id[:12], ' and started again' if restart else '')

    def _create(self, request, values, image):
        """POST /containers/create, then connect the networks beyond the first; the new id.

        A container whose extra networks cannot be connected is removed again, so a failure leaves
        nothing half-made. (apply inspects once, after starting.)
        """
        body = build_create_body(request.image or image.get('Id'), values)
        try:
            created = self.client.post('/containers/create', params={'name': request.name}, json_body=body)
        except Conflict as exc:
            raise NameTaken('name: a container named %s already exists (made outside this task, or by a '
                            'parallel run): %s' % (request.name, exc.explanation))
        except NotFound as exc:
            raise EngineError('image: %s' % exc.explanation, kind=exc.kind)
        cid = created['Id']
        primary = body['HostConfig'].get('NetworkMode')
        try:
            for network, settings in (values.get('networks') or {}).items():
                if network != primary:
                    self._network('connect', network, cid, settings)
        except EngineError:
            self.client.delete('/containers/%s' % cid, params={'force': 'true'})
            raise
        return cid

    def _apply_network_operations(self, operations, name, cid):
        disconnected = {}
        for operation, network, settings in operations:
            self.actions.append('%s container %s %s network %s' % (
                'Connected' if operation == 'connect' else 'Disconnected', name,
                'to' if operation == 'connect' else 'from', network))
            if self.check_mode:
                continue
            try:
                self._network(operation, network, cid, settings)
            except EngineError:
                if network in disconnected:
                    # A reconnect with new settings failed: put the old endpoint back, then report.
                    self._network('connect', network, cid, disconnected[network])
                raise
            if operation == 'disconnect':
                disconnected[network] = settings

    def _network(self, operation, network, cid, settings):
        body = {'Container': cid}
        if operation == 'connect':
            body['EndpointConfig'] = endpoint_config(settings)
        try:
            self.client.post('/networks/%s/%s' % (quote(network, safe=''), operation), json_body=body)
        except EngineError as exc:
            raise EngineError('networks: could not %s container %s %s network %s: %s' % (
                operation, cid[:12], 'to' if operation == 'connect' else 'from', network,
                getattr(exc, 'explanation', None) or exc), kind=exc.kind)

    def resolve_networks(self, wanted, container):
        """The listed networks keyed by the name the engine reports, each checked to exist when the
        container is not on it (or is to get a new address there).

        Costs one request per such network, none when the container is already on all of them; a
        network given by id then compares equal to the name the engine reports.
        """
        connected = OPTIONS_BY_NAME['networks'].actual(container or {}, None)
        resolved = {}
        for name, settings in wanted.items():
            current = connected.get(name)
            new_address = current is not None and any(
                settings.get(field) and settings[field] != current.get(field)
                for field in ('ipv4_address', 'ipv6_address'))
            if current is None or new_address:
                network = self.client.get_json_or_none('/networks/%s' % quote(name, safe='')) or (
                    self.pending_networks.get(name))
                if network is None:
                    raise SpecError('networks: network %s does not exist on the engine; create it first '
                                    '(docker network create %s) or remove it from networks.' % (name, name))
                check_addresses_fit(network, settings)
                name = network.get('Name') or name
            resolved[name] = settings
        return resolved

    def _stop_wait(self, request):
        return max(self.client.settings.timeout, (request.stop_timeout or 10) + 30)

    def _stop(self, cid, request):
        """Stop (or with force_kill kill) a container, as ``request`` says."""
        if request.force_kill:
            self.client.post('/containers/%s/kill' % cid)
            return
        query = {'t': str(request.stop_timeout)} if request.stop_timeout is not None else None
        # A container already stopped answers 304, which EngineClient returns as a success.
        self.client.post('/containers/%s/stop' % cid, params=query, timeout=self._stop_wait(request))

    def _remove(self, container, request):
        """Remove a container (stopped first, as ``request`` says; its volumes as keep_volumes says)."""
        if is_running(container):
            self._stop(container['Id'], request)
        try:
            self.client.delete('/containers/%s' % container['Id'],
                               params={'force': 'true', 'v': 'false' if request.keep_volumes else 'true'})
        except NotFound:
            pass  # auto_remove containers delete themselves when stopped
        except Conflict as exc:
            if 'already in progress' not in (exc.explanation or ''):
                raise
        self._wait_removed(container, request.removal_wait_timeout)

    def _wait_removed(self, container, timeout):
        """Wait until the engine has removed the container, so its name is free for a new one.

        Removal finishes after the API call returns when the container is in state removing (slow
        storage) and for auto_remove (it deletes itself once stopped). ``timeout`` (removal_wait_timeout)
        bounds the wait and fails when it runs out; without one a removing container is waited for
        however long it takes, an auto_remove one up to 30 seconds.
        """
        started = time.time()
        auto_remove = (container.get('HostConfig') or {}).get('AutoRemove')
        while True:
            current = self.inspect(container['Id'])
            if current is None:
                return
            waited = time.time() - started
            if timeout is not None:
                if waited >= timeout:
                    name = (container.get('Name') or container['Id']).lstrip('/')
                    raise EngineError('Container %s was still being removed after removal_wait_timeout (%s seconds); '
                                      'raise it, or run again later.' % (name, timeout), kind='timeout')
            elif (current.get('State') or {}).get('Status') != 'removing' and not (auto_remove and waited < 30):
                return
            time.sleep(0.1)

    # Without a healthcheck, "running" means still running this long after the first sighting:
    # a process that fails at once may be seen running for a few milliseconds before it exits.
    SETTLE_SECONDS = 1.0

    def _give_way_to_the_old_one(self, cid, old_id, name, what_happened):
        """An auto_remove container's replacement, started beside it, did not make it: remove the new
        one, give the old one (still running) its name back, and fail saying so."""
        self._discard(cid)
        kept = self._put_back(old_id, name, restart=False)
        raise EngineError(
            'Container %s runs with auto_remove, so stopping it would delete it: the new container was started '
            'beside it first, but %s, so it was removed again and %s (still running). If the two cannot run at '
            'once (a published port, a lock or a file they share), remove the old one first (state: absent, then '
            'run again) or set auto_remove: false.' % (name, what_happened, kept))

    def _settle(self, cid, timeout=None):
        """Watch a just started container until it has settled: ``(inspect data, None)`` once it is
        healthy (with a healthcheck and a ``timeout``) or has been running SETTLE_SECONDS, else
        ``(last inspect data, problem)`` with problem one of exited, gone (auto_remove deleted it),
        unhealthy, timeout. Without ``timeout`` health is not waited for, and the watch ends after
        SETTLE_SECONDS plus a margin for a container that never reports running."""
        deadline = time.time() + (timeout if timeout is not None else self.SETTLE_SECONDS + 30)
        running_since = None
        current = {}
        while True:
            seen = self.inspect(cid)
            if seen is None:
                return current, 'gone'
            current = seen
            state = current.get('State') or {}
            health = (state.get('Health') or {}).get('Status') if timeout is not None else None
            if not state.get('Running') and state.get('Status') in ('exited', 'dead'):
                return current, 'exited'
            if state.get('Running') and health == 'healthy':
                return current, None
            if state.get('Running') and health is None:
                running_since = running_since or time.time()
                if time.time() - running_since >= self.SETTLE_SECONDS:
                    return current, None
            else:
                running_since = None
            if health == 'unhealthy':
                return current, 'unhealthy'
            if time.time() > deadline:
                return current, 'timeout'
            time.sleep(0.1)

    def _describe_problem(self, cid, current, problem):
        """What became of a container that did not settle, with its exit code and log tail when the
        engine still has them (auto_remove deletes the logs with the container)."""
        state = current.get('State') or {}
        if problem == 'gone':
            code = self._exit_code_from_events(cid)
            return ('it exited%s right after starting and auto_remove deleted it (its logs went with it)'
                    % (' with code %s' % code if code is not None else ''))
        try:
            tail = self.log_tail(dict(current, Id=cid))
        except EngineError:
            tail = ''
        logs = '. Last log lines:\n%s' % tail if tail else ''
        if problem == 'exited':
            return 'it exited with code %s right after starting%s' % (state.get('ExitCode'), logs)
        if problem == 'unhealthy':
            return 'it is unhealthy%s' % logs
        return 'it did not become %s in time%s' % (
            'healthy' if (state.get('Health') or {}).get('Status') else 'running', logs)

    def _exit_code_from_events(self, cid):
        """The exit code of a container that is gone, from the engine's recent events (its die
        event); None when the engine no longer has it."""
        try:
            for event in self.client.recent_events({'container': [cid], 'event': ['die']}):
                code = ((event.get('Actor') or {}).get('Attributes') or {}).get('exitCode')
                if code is not None:
                    return code
        except EngineError:
            pass
        return None

    def _wait(self, cid, request):
        current, problem = self._settle(cid, request.wait_timeout)
        if problem == 'exited':
            try:
                tail = self.log_tail(current)
            except EngineError:
                if not (current.get('HostConfig') or {}).get('AutoRemove'):
                    raise
                # auto_remove: seen exited while the engine removes it, its logs with it (HTTP 409 on them).
                problem = 'gone'
            else:
                raise EngineError('Container %s exited with code %s right after starting. Last log lines:\n%s'
                                  % (request.name, (current.get('State') or {}).get('ExitCode'), tail))
        if problem == 'gone':
            raise EngineError('Container %s did not keep running: %s.' % (
                request.name, self._describe_problem(cid, current, problem)))
        if problem == 'unhealthy':
            raise EngineError('Container %s is unhealthy. Last log lines:\n%s'
                              % (request.name, self.log_tail(current)))
        if problem == 'timeout':
            health = ((current.get('State') or {}).get('Health') or {}).get('Status')
            raise EngineError('Container %s did not become %s within wait_timeout (%ss).'
                              % (request.name, 'healthy' if health else 'running', request.wait_timeout))
        return current

    def log_tail(self, container, lines=20):
        data = self.client.get_bytes('/containers/%s/logs' % container['Id'],
                                     params={'stdout': '1', 'stderr': '1', 'tail': str(lines)})
        tty = bool((container.get('Config') or {}).get('Tty'))
        return decode_log_stream(data, tty).rstrip()[-4000:]

    # -- leftovers of an interrupted recreate ----------------------------------------------------
    def parked(self, name):
        """Containers parked as NAME-tprov-replaced-ID by a recreate that did not finish (one list request
        per service, shared by every container it converges)."""
        if self._parked is None:
            listed = self.client.get_json('/containers/json', params={
                'all': '1', 'filters': filters_param({'name': [PARKED_MARK]})})
            self._parked = [dict(id=c['Id'], name=(c.get('Names') or ['/'])[0].lstrip('/'),
                                 running=c.get('State') == 'running', created=c.get('Created') or 0)
                            for c in listed or []]
        pattern = re.compile(r'^%s%s[0-9a-f]{12}$' % (re.escape(name), re.escape(PARKED_MARK)))
        return sorted((c for c in self._parked if pattern.match(c['name'])), key=lambda c: -c['created'])

    def reconcile_parked(self, name, container):
        """Settle what an interrupted recreate left: the parked container is put back under its name when
        the wanted one is missing (or is the never-started half while the parked one still serves), and
        removed when the wanted one serves (or neither runs). Returns the container now under name."""
        for parked in self.parked(name):
            self._parked.remove(parked)
            serving = is_running(container)
            if container is not None and (serving or not parked['running']):
                self.actions.append('Removed container %s (left by an interrupted recreate; %s is %s)' % (
                    parked['name'], name, 'running' if serving else 'there'))
                if not self.check_mode:
                    self._remove(self.inspect(parked['id']) or {'Id': parked['id']}, ContainerRequest.absent(parked['name']))
                continue
            if container is not None:
                self.actions.append('Removed container %s (created by an interrupted recreate, never started)'
                                    % name)
                if not self.check_mode:
                    self._remove(container, ContainerRequest.absent(name))
            self.actions.append('Restored container %s from %s (left by an interrupted recreate)'
                                % (name, parked['name']))
            if not self.check_mode:
                self.client.post('/containers/%s/rename' % parked['id'], params={'name': name})
            container = self.inspect(parked['id'])
        return container

    # -- the whole job -------------------------------------------------------------------------
    def converge(self, request, retry=False):
        """Converge one container to ``request`` (a ContainerRequest): ``(plan, inspect data before,
        inspect data after)``."""
        actions = len(self.actions)
        container = self.reconcile_parked(request.name, self.inspect(request.name))
        reconciled = len(self.actions) > actions
        plan = make_plan(request, self.observe(request, container))
        plan.reconciled = reconciled
        try:
            return plan, container, self.apply(plan)
        except NameTaken:
            if not plan.create or retry:
                raise
            # Another run (a parallel playbook, a second fork) created it between our inspect and our
            # create: converge onto that container instead of failing. The engine reserves the name
            # before the container can be inspected, so give it a moment to appear.
            deadline = time.time() + 10
            while self.inspect(request.name) is None and time.time() < deadline:
                time.sleep(0.1)
            self.actions.append('Container %s appeared while creating it; converging onto it' % request.name)
            return self.converge(request, retry=True)
