# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge one Docker network: a validated request in, what the engine has read, a plan made
without I/O, then the plan applied (the shape of containers.py).

:class:`NetworkRequest` checks and normalises the module's options before any request is sent.
:meth:`NetworkService.observe` reads the network (one inspect for an idempotent run) and, only when
the network is to be removed or recreated, the containers using it and the other networks' subnets.
:func:`make_network_plan` is pure: it compares only what the user declared (the engine fills in an
IPAM driver, options and subnets nobody asked for) and refuses, before anything changes, a removal of
a network in use without ``force``, a subnet that overlaps another network's, and a recreate whose
subnets would no longer hold a container's static address. :meth:`NetworkService.apply` carries the
plan out. The Engine API cannot change a network in place, so every difference recreates it; the
containers on it are disconnected, and reconnected to the new one with their aliases and static
addresses. A new network the engine refuses is replaced by the old one again, its containers
reconnected, so a refused recreate changes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
from urllib.parse import quote

from ansible_collections.tprov.docker.plugins.module_utils.api_query import filters_param, filters_query
from ansible_collections.tprov.docker.plugins.module_utils.container_spec import labels_to_add, stringify_mapping
from ansible_collections.tprov.docker.plugins.module_utils.engine_info import inspect_by_name
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError, InUse, InvalidOption

# Networks every engine has; it refuses to remove them, so they are never recreated either.
PREDEFINED = ('bridge', 'host', 'none')
DRIVERS = ('bridge', 'macvlan', 'ipvlan', 'overlay')


NETWORK_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    driver=dict(type='str', choices=list(DRIVERS)),
    ipam=dict(type='dict', options=dict(
        driver=dict(type='str'),
        config=dict(type='list', elements='dict', options=dict(
            subnet=dict(type='str', required=True),
            gateway=dict(type='str'),
            ip_range=dict(type='str'),
            aux_addresses=dict(type='dict'),
        )),
    )),
    internal=dict(type='bool'),
    attachable=dict(type='bool'),
    enable_ipv6=dict(type='bool'),
    driver_options=dict(type='dict'),
    labels=dict(type='dict'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    force=dict(type='bool', default=False),
)

NETWORK_INFO_ARGUMENT_SPEC = dict(
    name=dict(type='str'),
    filters=dict(type='dict'),
)
NETWORK_INFO_MODULE_RULES = dict(mutually_exclusive=[('name', 'filters')])


def _network_of(text, where):
    try:
        net = ipaddress.ip_network(u'%s' % text, strict=False)
    except ValueError:
        raise InvalidOption('%s: %r is not a subnet; write it as address/prefix, e.g. 172.28.0.0/16 or fd00:28::/64.'
                            % (where, text))
    if str(net.network_address) != str(ipaddress.ip_interface(u'%s' % text).ip):
        raise InvalidOption('%s: %s has host bits set; the subnet is %s.' % (where, text, net))
    return net


def _address_of(text, where):
    try:
        return ipaddress.ip_address(u'%s' % text)
    except ValueError:
        raise InvalidOption('%s: %r is not an IP address.' % (where, text))


def parse_ipam_config(entries, enable_ipv6):
    """The declared IPAM config, checked and normalised (texts as the engine writes them back).

    Every gateway, range and auxiliary address must lie in its subnet, subnets may not overlap one
    another, and an IPv6 subnet needs ``enable_ipv6``: all things the engine would refuse only
    after the old network was gone, or (IPv6 without enable_ipv6) silently ignore.
    """
    config = []
    seen = []
    for index, entry in enumerate(entries or []):
        where = 'ipam.config[%d]' % index
        subnet = _network_of(entry['subnet'], where + '.subnet')
        for other in seen:
            if subnet.version == other.version and subnet.overlaps(other):
                raise InvalidOption('%s: subnet %s overlaps subnet %s declared before it; give each subnet once, '
                                    'without overlaps.' % (where, subnet, other))
        seen.append(subnet)
        if subnet.version == 6 and not enable_ipv6:
            raise InvalidOption('%s: subnet %s is IPv6; set enable_ipv6: true to use it.' % (where, subnet))
        normal = {'subnet': str(subnet)}
        if entry.get('gateway'):
            gateway = _address_of(entry['gateway'], where + '.gateway')
            if gateway.version != subnet.version or gateway not in subnet:
                raise InvalidOption('%s: gateway %s is not in subnet %s; pick an address inside it.'
                                    % (where, gateway, subnet))
            normal['gateway'] = str(gateway)
        if entry.get('ip_range'):
            ip_range = _network_of(entry['ip_range'], where + '.ip_range')
            if ip_range.version != subnet.version or not ip_range.subnet_of(subnet):
                raise InvalidOption('%s: ip_range %s is not inside subnet %s.' % (where, ip_range, subnet))
            normal['ip_range'] = str(ip_range)
        if entry.get('aux_addresses'):
            aux = {}
            for name, text in stringify_mapping(entry['aux_addresses'], where + '.aux_addresses').items():
                address = _address_of(text, '%s.aux_addresses.%s' % (where, name))
                if address.version != subnet.version or address not in subnet:
                    raise InvalidOption('%s.aux_addresses: %s (%s) is not in subnet %s.' % (where, name, address, subnet))
                aux[name] = str(address)
            normal['aux_addresses'] = aux
        config.append(normal)
    return config


class NetworkRequest(object):
    """docker_api_network's options, checked and normalised; ``values`` holds what was declared
    (an option left out is not compared, and a recreate keeps what the old network had)."""

    def __init__(self, params):
        self.name = (params.get('name') or '').strip()
        if not self.name:
            raise InvalidOption('name must be the network name, not empty.')
        if '/' in self.name or any(c.isspace() for c in self.name):
            raise InvalidOption('name: %r cannot be a network name (no "/" or blanks).' % params['name'])
        self.state = params.get('state') or 'present'
        self.force = bool(params.get('force'))
        values = {}
        for option in ('driver', 'internal', 'attachable', 'enable_ipv6'):
            if params.get(option) is not None:
                values[option] = params[option]
        for option in ('driver_options', 'labels'):
            if params.get(option) is not None:
                values[option] = stringify_mapping(params[option], option)
        ipam = params.get('ipam') or {}
        if ipam.get('driver'):
            values['ipam.driver'] = ipam['driver']
        if ipam.get('config'):
            values['ipam.config'] = parse_ipam_config(ipam['config'], params.get('enable_ipv6'))
        self.values = values
        self.driver = values.get('driver')
        # Labels set on a network this request makes but never compared (docker_api_containers'
        # managed label: a network made outside is not recreated only to carry it, nor labelled - and
        # later pruned - when a difference recreates it).
        self.create_labels = {}


def actual_config(network):
    """The network's IPAM config in the request's form."""
    config = []
    for entry in ((network.get('IPAM') or {}).get('Config') or []):
        normal = {'subnet': _normal_network(entry.get('Subnet'))}
        if entry.get('Gateway'):
            normal['gateway'] = _normal_address(entry['Gateway'])
        if entry.get('IPRange'):
            normal['ip_range'] = _normal_network(entry['IPRange'])
        if entry.get('AuxiliaryAddresses'):
            normal['aux_addresses'] = dict((k, _normal_address(v)) for k, v in entry['AuxiliaryAddresses'].items())
        config.append(normal)
    return config


def _normal_network(text):
    try:
        return str(ipaddress.ip_network(u'%s' % text, strict=False))
    except ValueError:
        return text  # compared as the engine wrote it


def _normal_address(text):
    try:
        return str(ipaddress.ip_address(u'%s' % str(text).split('/', maxsplit=1)[0]))
    except ValueError:
        return text


def actual_values(network):
    """The network's inspect data read back under the request's option names."""
    ipam = network.get('IPAM') or {}
    return {
        'driver': network.get('Driver'),
        'internal': bool(network.get('Internal')),
        'attachable': bool(network.get('Attachable')),
        'enable_ipv6': bool(network.get('EnableIPv6')),
        'driver_options': dict(network.get('Options') or {}),
        'labels': dict(network.get('Labels') or {}),
        'ipam.driver': ipam.get('Driver') or 'default',
        'ipam.config': actual_config(network),
    }


def _config_view(actual, declared):
    """The actual IPAM config as far as it was declared: per subnet the keys the user gave."""
    wanted = dict((entry['subnet'], entry) for entry in declared)
    return [dict((k, v) for k, v in entry.items() if k == 'subnet' or k in wanted.get(entry['subnet'], {}))
            for entry in actual]


def declared_view(values, network):
    """What the network has of each declared option (for dicts only the declared keys)."""
    actual = actual_values(network)
    view = {}
    for option, wanted in values.items():
        have = actual[option]
        if option in ('driver_options', 'labels'):
            have = dict((k, have.get(k)) for k in wanted)
        elif option == 'ipam.config':
            have = _config_view(have, wanted)
        view[option] = have
    return view


def network_differences(values, network):
    """The declared options the network does not match, each as {option, before, after}.

    Only declared options count; a mapping compares its declared keys only (the engine adds
    driver options of its own), and an IPAM config compares the set of subnets and, per subnet,
    the keys given (a gateway the engine picked is not a difference).
    """
    view = declared_view(values, network)
    changes = []
    for option in sorted(values):
        wanted, have = values[option], view[option]
        if option == 'ipam.config':
            same = sorted(e['subnet'] for e in wanted) == sorted(e['subnet'] for e in have) and all(
                entry in have for entry in wanted)
        else:
            same = wanted == have
        if not same:
            changes.append({'option': option, 'before': have, 'after': wanted})
    return changes


class NetworkUser(object):
    """A container on the network, and how to connect it again (its endpoint settings)."""

    def __init__(self, cid, name, endpoint=None):
        self.id = cid
        self.name = name
        endpoint = endpoint or {}
        # The engine adds the short id as an alias itself (API < 1.44); it is not the user's.
        self.aliases = [a for a in (endpoint.get('Aliases') or []) if a != cid[:12]]
        ipam = endpoint.get('IPAMConfig') or {}
        self.ipv4_address = ipam.get('IPv4Address') or None
        self.ipv6_address = ipam.get('IPv6Address') or None
        self.link_local = list(ipam.get('LinkLocalIPs') or [])
        self.links = list(endpoint.get('Links') or [])
        self.driver_opts = dict(endpoint.get('DriverOpts') or {})

    def endpoint_config(self):
        config = {}
        if self.aliases:
            config['Aliases'] = self.aliases
        ipam = dict((key, value) for key, value in (('IPv4Address', self.ipv4_address),
                                                    ('IPv6Address', self.ipv6_address),
                                                    ('LinkLocalIPs', self.link_local)) if value)
        if ipam:
            config['IPAMConfig'] = ipam
        if self.links:
            config['Links'] = self.links
        if self.driver_opts:
            config['DriverOpts'] = self.driver_opts
        return config

    def describe(self):
        kept = []
        if self.aliases:
            kept.append('aliases %s' % ', '.join(self.aliases))
        kept.extend(a for a in (self.ipv4_address, self.ipv6_address) if a)
        return '%s%s' % (self.name, ' (%s)' % '; '.join(kept) if kept else '')


class NetworkObserved(object):
    """What the engine has: ``network`` (inspect data or None); ``users`` (NetworkUser list) and
    ``others`` (the other networks' inspect summaries) when removal or recreation needs them, else
    None; ``swarm_manager`` (bool) when the overlay driver was asked for."""

    def __init__(self, network, users=None, others=None, swarm_manager=None):
        self.network = network
        self.users = users
        self.others = others
        self.swarm_manager = swarm_manager


class NetworkPlan(object):
    def __init__(self, request, observed):
        self.request = request
        self.network = observed.network
        self.users = observed.users or []
        self.create = False
        self.recreate = False
        self.remove = False
        self.changes = []

    @property
    def changed(self):
        return self.create or self.recreate or self.remove


def _subnets(network):
    subnets = []
    for entry in actual_config(network):
        try:
            subnets.append(ipaddress.ip_network(u'%s' % entry['subnet'], strict=False))
        except ValueError:
            continue  # what the engine cannot parse either overlaps nothing
    return subnets


def check_subnets_free(config, network, others):
    """A declared subnet may not overlap a subnet of another network (the engine refuses it, and
    for a recreate only after the old network was removed)."""
    own_id = (network or {}).get('Id')
    for entry in config:
        subnet = ipaddress.ip_network(u'%s' % entry['subnet'])
        for other in others or []:
            if own_id and other.get('Id') == own_id:
                continue
            for taken in _subnets(other):
                if taken.version == subnet.version and taken.overlaps(subnet):
                    raise InvalidOption('ipam: subnet %s overlaps subnet %s of network %s; pick a free one.'
                                        % (subnet, taken, other.get('Name')))


def check_users_fit(config, users, name):
    """Every static address of a container to reconnect must lie in one of the new subnets."""
    subnets = [ipaddress.ip_network(u'%s' % e['subnet']) for e in config]
    for user in users:
        for address in (user.ipv4_address, user.ipv6_address):
            if not address:
                continue
            ip = ipaddress.ip_address(u'%s' % address)
            if not any(ip.version == net.version and ip in net for net in subnets):
                raise InvalidOption(
                    'ipam: container %s has the static address %s on network %s, which is in none of the new '
                    'subnets (%s); keep a subnet that holds it, or give the container another address first.'
                    % (user.name, address, name, ', '.join(str(n) for n in subnets)))


def in_use_message(name, users, what):
    return ('network %s is used by container%s %s: %s' % (
        name, 's' if len(users) > 1 else '', ', '.join(sorted(u.name for u in users)), what))


def make_network_plan(request, observed):
    """The plan for ``request`` given what the engine has; pure (no request is sent)."""
    plan = NetworkPlan(request, observed)
    network = observed.network
    if request.state == 'absent':
        if network is None:
            return plan
        if request.name in PREDEFINED:
            raise InvalidOption('name: %s is a network every engine has; it cannot be removed.' % request.name)
        if plan.users and not request.force:
            raise InUse(in_use_message(request.name, plan.users,
                                       'disconnect them first, or set force: true to disconnect them and remove it.'))
        plan.remove = True
        return plan
    if request.driver == 'overlay' and observed.swarm_manager is False and (
            network is None or network.get('Driver') != 'overlay'):
        raise InvalidOption('driver: overlay networks need a swarm, and this engine is not a swarm manager '
                            '(docker swarm init); use bridge, macvlan or ipvlan.')
    if network is None:
        plan.create = True
    else:
        plan.changes = network_differences(request.values, network)
        plan.recreate = bool(plan.changes)
        if plan.recreate and request.name in PREDEFINED:
            raise InvalidOption('name: %s is a network every engine has; it cannot be recreated to change %s.'
                                % (request.name, ', '.join(c['option'] for c in plan.changes)))
    if plan.create or plan.recreate:
        config = request.values.get('ipam.config') or []
        if observed.others is not None:
            check_subnets_free(config, network, observed.others)
        if plan.recreate and config:
            # Without a declared config the old one is kept, and with it every address.
            check_users_fit(config, plan.users, request.name)
    return plan


def create_body(request, old=None):
    """POST /networks/create's body: the declared options over what ``old`` (inspect data) had."""
    added = labels_to_add(request.create_labels, None if old is None else (old.get('Labels') or {}))
    old = old or {}
    values = request.values
    old_ipam = old.get('IPAM') or {}
    body = {
        'Name': request.name,
        'CheckDuplicate': True,
        'Driver': values.get('driver') or old.get('Driver') or 'bridge',
        'Internal': values.get('internal', bool(old.get('Internal'))),
        'Attachable': values.get('attachable', bool(old.get('Attachable'))),
        'EnableIPv6': values.get('enable_ipv6', bool(old.get('EnableIPv6'))),
        'Options': dict(old.get('Options') or {}, **values.get('driver_options', {})),
        'Labels': dict(dict(old.get('Labels') or {}, **values.get('labels', {})), **added),
    }
    ipam = {'Driver': values.get('ipam.driver') or old_ipam.get('Driver') or 'default'}
    if old_ipam.get('Options'):
        ipam['Options'] = old_ipam['Options']
    if 'ipam.config' in values:
        ipam['Config'] = [dict((api, entry[key]) for key, api in (
            ('subnet', 'Subnet'), ('gateway', 'Gateway'), ('ip_range', 'IPRange'),
            ('aux_addresses', 'AuxiliaryAddresses')) if entry.get(key)) for entry in values['ipam.config']]
    elif old_ipam.get('Config'):
        ipam['Config'] = old_ipam['Config']  # kept, so the containers' addresses stay valid
    body['IPAM'] = ipam
    return body


def old_body(network):
    """The create body that makes ``network`` (inspect data) again, to put it back."""
    body = dict((key, network.get(key)) for key in ('Name', 'Driver', 'Internal', 'Attachable', 'EnableIPv6',
                                                    'Options', 'Labels'))
    body['IPAM'] = network.get('IPAM') or {}
    body['CheckDuplicate'] = True
    return body


def network_diff(plan, after_state):
    """Diff mode: the declared options before and after, and the state."""
    request = plan.request
    before = declared_view(request.values, plan.network) if plan.network else {}
    before['state'] = 'present' if plan.network else 'absent'
    after = dict(request.values) if after_state == 'present' else {}
    after['state'] = after_state
    return dict(before=before, after=after)


def _recreated(plan):
    return 'Recreated network %s (%s)' % (plan.request.name, ', '.join(c['option'] for c in plan.changes))


def _reconnected(user, network_name):
    return 'Reconnected container %s to network %s' % (user.describe(), network_name)


class NetworkService(object):
    """Converges networks over one client; ``actions`` lists what was (or would be) done."""

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self.actions = []

    def inspect(self, name):
        """The network named exactly ``name`` (the engine also answers to id prefixes), or None."""
        network = self.client.get_json_or_none('/networks/%s' % quote(name, safe=''))
        if network is None or network.get('Name') == name:
            return network
        # The name is a prefix of another network's id: look for a network of that name (the name
        # filter matches substrings).
        listed = self.client.get_json('/networks', params={'filters': filters_param({'name': [name]})})
        exact = [n for n in listed or [] if n.get('Name') == name]
        return self.client.get_json_or_none('/networks/%s' % exact[0]['Id']) if exact else None

    def users(self, network):
        """The containers on ``network``, running or not, with their endpoint settings there."""
        ids = set((network.get('Containers') or {}).keys())
        # By name too: a container created but never started has no network id on its endpoint yet.
        listed = self.client.get_json('/containers/json', params={
            'all': '1', 'filters': filters_param({'network': [network['Name'], network['Id']]})})
        ids.update(c['Id'] for c in listed or [])
        users = []
        for cid in sorted(ids):
            container = self.client.get_json_or_none('/containers/%s/json' % cid)
            if container is None:
                continue  # gone since, or an endpoint that is no container (an overlay's load balancer)
            endpoints = ((container.get('NetworkSettings') or {}).get('Networks') or {})
            endpoint = endpoints.get(network['Name'])
            if endpoint is None:
                endpoint = next((e for e in endpoints.values() if (e or {}).get('NetworkID') == network['Id']), None)
            if endpoint is None:
                continue  # listed because another network's id begins with this one's name
            users.append(NetworkUser(cid, (container.get('Name') or cid).lstrip('/'), endpoint))
        return sorted(users, key=lambda user: user.name)

    def observe(self, request):
        network = self.inspect(request.name)
        observed = NetworkObserved(network)
        if request.state == 'present' and request.driver == 'overlay' and (
                network is None or network.get('Driver') != 'overlay'):
            swarm = (self.client.get_json('/info').get('Swarm') or {})
            observed.swarm_manager = bool(swarm.get('ControlAvailable'))
        if network is None:
            if request.state == 'present' and request.values.get('ipam.config'):
                observed.others = self.client.get_json('/networks')
            return observed
        if request.state == 'absent' or network_differences(request.values, network):
            observed.users = self.users(network)
            if request.state == 'present':
                observed.others = self.client.get_json('/networks')
        return observed

    def apply(self, plan):
        """Carry out the plan; the network's inspect data afterwards (the current one in check mode)."""
        request, name = plan.request, plan.request.name
        if plan.remove:
            if plan.users:
                for user in plan.users:
                    self.actions.append('Disconnected container %s from network %s' % (user.name, name))
                    if not self.check_mode:
                        self._disconnect(plan.network, user)
            self.actions.append('Removed network %s' % name)
            if not self.check_mode:
                self.client.delete('/networks/%s' % plan.network['Id'])
            return {}
        if plan.create:
            created = {} if self.check_mode else self._create(create_body(request),
                                                              'Network %s could not be created' % name)
            self.actions.append('Created network %s' % name)  # once made: a refused create is no action
            return created
        if plan.recreate:
            if not self.check_mode:
                return self._recreate(plan)
            self.actions.append(_recreated(plan))
            self.actions.extend(_reconnected(user, name) for user in plan.users)
            return plan.network
        return plan.network

    def _create(self, body, failure):
        try:
            created = self.client.post('/networks/create', json_body=body)
        except EngineError as exc:
            raise EngineError('%s: %s (check driver, driver_options and ipam).' % (
                failure, getattr(exc, 'explanation', None) or exc), kind=exc.kind)
        return self.client.get_json('/networks/%s' % created['Id'])

    def _disconnect(self, network, user):
        self.client.post('/networks/%s/disconnect' % network['Id'], json_body={'Container': user.id, 'Force': True})

    def _connect(self, network, users):
        """Connect each user (listing each one connected); the ones that failed, with the engine's words."""
        failed = []
        for user in users:
            try:
                self.client.post('/networks/%s/connect' % network['Id'],
                                 json_body={'Container': user.id, 'EndpointConfig': user.endpoint_config()})
            except EngineError as exc:
                failed.append('%s (%s)' % (user.name, getattr(exc, 'explanation', None) or exc))
                continue
            self.actions.append(_reconnected(user, network['Name']))
        return failed

    def _recreate(self, plan):
        """Disconnect the users, remove the network, create the new one, reconnect them. What the engine
        refuses on the way is undone: the users go back to the old network, or the old network is made
        again as it was and they are reconnected to it; the actions then list what was done."""
        old, name = plan.network, plan.request.name
        disconnected = []
        try:
            for user in plan.users:
                self._disconnect(old, user)
                disconnected.append(user)
            self.client.delete('/networks/%s' % old['Id'])
        except EngineError as exc:
            failed = self._connect(old, disconnected)
            raise EngineError('Network %s could not be removed to recreate it (%s), so it was kept%s: %s' % (
                name, ', '.join(c['option'] for c in plan.changes),
                ', but %s could not be reconnected' % ', '.join(failed) if failed else '',
                getattr(exc, 'explanation', None) or exc), kind=exc.kind)
        try:
            new = self._create(create_body(plan.request, old), 'The new network %s was refused' % name)
        except EngineError as exc:
            self.actions.append('Removed network %s to recreate it; the new one was refused' % name)
            try:
                restored = self._create(old_body(old), 'Making it again as it was failed too')
            except EngineError as again:
                raise EngineError('%s; %s. Containers left disconnected: %s.' % (
                    exc, again, ', '.join(u.name for u in plan.users) or 'none'), kind=exc.kind)
            self.actions.append('Made network %s again as it was' % name)
            failed = self._connect(restored, plan.users)
            raise EngineError('%s; network %s was made again as it was%s.' % (
                exc, name, ' but could not reconnect %s' % ', '.join(failed) if failed else
                ' and its containers reconnected'), kind=exc.kind)
        self.actions.append(_recreated(plan))
        failed = self._connect(new, plan.users)
        if failed:
            raise EngineError('Recreated network %s, but could not reconnect %s.' % (name, ', '.join(failed)))
        return self.client.get_json('/networks/%s' % new['Id'])

    def converge(self, request):
        """Converge one network: (plan, network after)."""
        plan = make_network_plan(request, self.observe(request))
        return plan, self.apply(plan)


def converge_network(module, client):
    """docker_api_network's backend: converge the network; the module result."""
    service = NetworkService(client, check_mode=module.check_mode)
    try:
        request = NetworkRequest(module.params)
        plan, after = service.converge(request)
    except EngineError as exc:
        raise exc.with_details(actions=service.actions)
    result = dict(changed=plan.changed, network=after or {}, changes=plan.changes, actions=service.actions)
    if module._diff:
        result['diff'] = network_diff(plan, request.state)
    return result


def network_info(module, client):
    """docker_api_network_info's backend: one network's inspect data (name), or the list."""
    params = module.params
    if params['name'] is not None:
        return inspect_by_name(client, params['name'], 'network', '/networks/%s')
    return dict(changed=False, networks=client.get_json('/networks', params=filters_query(params['filters'])))
