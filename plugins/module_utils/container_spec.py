# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container options as data: each declared once, in :data:`OPTIONS`, by keyword.

An :class:`Option` says what the module accepts (the argument spec is derived from it), how the
user's value is parsed and normalised, where it goes in the ``POST /containers/create`` body and
where the same value is read back from ``GET /containers/{id}/json`` (with the image's defaults at
hand, because the engine fills in what the user left out), how it is compared, and whether it
changes in place. Adding an option is one ``Option(...)`` line here plus its DOCUMENTATION entry in
docker_api_container.py (a unit test checks the two agree).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import math
import re
import shlex

from ansible_collections.tprov.docker.plugins.module_utils.errors import InvalidOption
from ansible_collections.tprov.docker.plugins.module_utils.redaction import keyed_digest


MAX_CPUS = 1024


class SpecError(InvalidOption):
    """A container option whose value cannot be used; the text names the option."""


# ---------------------------------------------------------------------------------------------
# Value parsers (pure)

_SIZE_UNITS = {'': 1, 'b': 1, 'k': 1024, 'kb': 1024, 'm': 1024 ** 2, 'mb': 1024 ** 2,
               'g': 1024 ** 3, 'gb': 1024 ** 3, 't': 1024 ** 4, 'tb': 1024 ** 4}


def parse_size(value, option):
    """'512m', '1g', '1024', 1024 -> bytes (binary units, as the Docker CLI)."""
    if isinstance(value, bool):
        raise SpecError('%s: %r is not a size; write e.g. 512m or 1g.' % (option, value))
    if isinstance(value, int):
        return value
    match = re.match(r'^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$', str(value))
    if not match or match.group(2).lower() not in _SIZE_UNITS:
        raise SpecError('%s: %r is not a size; write a number with an optional unit b, k, m, g or t '
                        '(e.g. 512m).' % (option, value))
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])


_DURATION_RE = re.compile(r'([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)')
_DURATION_NS = {'ns': 1, 'us': 1000, 'ms': 10 ** 6, 's': 10 ** 9, 'm': 60 * 10 ** 9, 'h': 3600 * 10 ** 9}


def parse_duration(value, option):
    """'30s', '1m30s', '500ms', 30 (seconds) -> nanoseconds."""
    if isinstance(value, bool):
        raise SpecError('%s: %r is not a duration; write e.g. 30s or 1m30s.' % (option, value))
    if isinstance(value, (int, float)):
        # NaN and infinity would reach int() as a traceback; a negative duration the engine refuses.
        if math.isnan(value) or math.isinf(value) or value < 0:
            raise SpecError('%s: %r is not a duration; write e.g. 30s, 1m30s or 500ms (or a number of seconds, '
                            '0 or more).' % (option, value))
        return int(value * 10 ** 9)
    text = str(value).strip()
    if not text or _DURATION_RE.sub('', text):
        raise SpecError('%s: %r is not a duration; write e.g. 30s, 1m30s or 500ms.' % (option, value))
    return sum(int(float(n) * _DURATION_NS[u]) for n, u in _DURATION_RE.findall(text))


def parse_command(value, option, handling='correct'):
    """A list stays; a string is split as a shell would (without running one).

    ``handling='compatibility'`` (community.docker's command_handling before its 3.0): a list is
    joined with spaces and split again, and an empty value leaves the option unset (None).
    """
    if value is None:
        return None
    if handling == 'compatibility':
        if not value:
            return None
        if isinstance(value, (list, tuple)):
            value = ' '.join(str(v) for v in value)
    elif isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError as exc:
        raise SpecError('%s: %r does not split into words (%s); give a list instead.' % (option, value, exc))


def labels_to_add(create_labels, old_labels):
    """The labels only a module sets (docker_api_containers' managed label) for a network or volume
    it makes: all of them on a true create (``old_labels`` None); on a recreate only those the old
    object already carried, so one made outside stays unlabelled and is never pruned; pure."""
    if old_labels is None:
        return dict(create_labels)
    return dict((key, value) for key, value in create_labels.items() if key in old_labels)


def stringify_mapping(value, option):
    """env/labels: dict of scalars -> dict of str; nested values are refused."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SpecError('%s must be a dictionary of names to values.' % option)
    result = {}
    for key, item in value.items():
        if option == 'env' and ('=' in str(key) or not str(key)):
            # The engine splits NAME=VALUE at the first "=": such a key never reads back as given, so the
            # container would be recreated on every run.
            raise SpecError('env: the name %r %s; an environment variable name cannot contain "=" or be empty '
                            '- rename it.' % (key, 'contains "="' if key else 'is empty'))
        if isinstance(item, (dict, list, tuple)):
            raise SpecError('%s: the value of %s is a %s; only strings, numbers and booleans can be passed '
                            '(quote it, or serialise it with to_json).' % (option, key, type(item).__name__))
        if item is None:
            raise SpecError('%s: %s has no value; give it one, or leave it out.' % (option, key))
        if option == 'env' and not isinstance(item, str):
            # YAML turns an unquoted yes, on or 1.0 into a boolean or a number: which text the program
            # then gets is a guess, so the user says it (as community.docker.docker_container requires).
            raise SpecError('env: the value of %s is %r, not a string; quote it as the program should see it (e.g. '
                            '%s: "%s") so YAML keeps it as written.'
                            % (key, item, key, str(item).lower() if isinstance(item, bool) else item))
        if isinstance(item, bool):
            item = 'true' if item else 'false'
        result[str(key)] = str(item)
    return result


def _port_key(port, proto):
    return '%s/%s' % (port, proto)


def _port_range(text, option, spec):
    if '-' in text:
        start, end = text.split('-', 1)
    else:
        start = end = text
    if not (start.isdigit() and end.isdigit()) or not 0 < int(start) <= int(end) < 65536:
        raise SpecError('%s: %r is not a port spec; write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER '
                        '(optionally /udp), e.g. 8080:80 or 127.0.0.1:8080:80/tcp.' % (option, spec))
    return list(range(int(start), int(end) + 1))


def parse_published_ports(specs, option='published_ports'):
    """['8080:80', '127.0.0.1:8443:443/tcp', '[::1]:53:53/udp', '9000-9001:9000-9001', '9010-9050:9010', '80'] ->
    {'80/tcp': [('', '8080')], ...} as sorted (HostIp, HostPort) tuples."""
    bindings = {}
    for spec in specs or []:
        text = str(spec).strip()
        proto = 'tcp'
        if '/' in text:
            text, proto = text.rsplit('/', 1)
            proto = proto.lower()
            if proto not in ('tcp', 'udp', 'sctp'):
                raise SpecError('%s: %r has protocol %r; use tcp, udp or sctp.' % (option, spec, proto))
        host_ip = ''
        if text.startswith('['):
            end = text.find(']')
            if end < 0:
                raise SpecError('%s: %r has an unclosed [ in its IPv6 address.' % (option, spec))
            host_ip, text = text[1:end], text[end + 1:].lstrip(':')
        parts = text.split(':')
        if len(parts) == 3 and not host_ip:
            host_ip, host, container = parts
        elif len(parts) == 2:
            host, container = parts
        elif len(parts) == 1:
            host, container = '', parts[0]
        else:
            raise SpecError('%s: %r is not a port spec; write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER '
                            '(optionally /udp).' % (option, spec))
        if host_ip in ('0.0.0.0',):
            host_ip = ''
        if host_ip and not re.match(r'^[0-9a-fA-F:.]+$', host_ip):
            raise SpecError('%s: %r has host address %r, which is not an IP address.' % (option, spec, host_ip))
        container_ports = _port_range(container, option, spec)
        host_ports = _port_range(host, option, spec) if host else [None] * len(container_ports)
        if len(container_ports) == 1 and len(host_ports) > 1:
            # As docker run -p 9010-9050:9010: the engine binds the first free host port of the range,
            # and keeps the range itself in HostConfig (which is what is compared).
            host_ports = ['%d-%d' % (host_ports[0], host_ports[-1])]
        if len(host_ports) != len(container_ports):
            raise SpecError('%s: %r maps %d host ports to %d container ports; the ranges must be the same length.'
                            % (option, spec, len(host_ports), len(container_ports)))
        for hport, cport in zip(host_ports, container_ports):
            bindings.setdefault(_port_key(cport, proto), []).append((host_ip, str(hport) if hport else ''))
    return dict((k, sorted(v)) for k, v in bindings.items())


def parse_exposed_ports(specs, option='exposed_ports'):
    result = set()
    for spec in specs or []:
        text = str(spec).strip()
        proto = 'tcp'
        if '/' in text:
            text, proto = text.rsplit('/', 1)
        for port in _port_range(text, option, spec):
            result.add(_port_key(port, proto.lower()))
    return sorted(result)


def parse_binds(specs, option='volumes'):
    """volumes entries: 'host:container[:mode]' binds and '/container' anonymous volumes."""
    binds, anonymous = [], []
    for spec in specs or []:
        parts = str(spec).split(':')
        if len(parts) == 1:
            if not parts[0].startswith('/'):
                raise SpecError('%s: %r needs an absolute container path, or HOST:CONTAINER[:ro].' % (option, spec))
            anonymous.append(parts[0])
            continue
        if len(parts) > 3 or not parts[1].startswith('/') or not parts[0]:
            raise SpecError('%s: %r is not HOST_PATH_OR_VOLUME:CONTAINER_PATH[:ro|rw].' % (option, spec))
        mode = parts[2] if len(parts) == 3 else 'rw'
        modes = sorted(m for m in mode.split(',') if m)
        if not set(modes) <= {'ro', 'rw', 'z', 'Z', 'nocopy', 'shared', 'slave', 'private', 'rshared',
                              'rslave', 'rprivate', 'consistent', 'cached', 'delegated'}:
            raise SpecError('%s: %r has mode %r; use ro or rw (and SELinux z/Z).' % (option, spec, mode))
        binds.append('%s:%s:%s' % (parts[0], parts[1], ','.join(modes)))
    return sorted(binds), sorted(anonymous)


def normalise_bind(text):
    parts = text.split(':')
    if len(parts) == 2:
        parts.append('rw')
    return '%s:%s:%s' % (parts[0], parts[1], ','.join(sorted(m for m in parts[2].split(',') if m)))


def parse_mounts(specs, option='mounts'):
    result = []
    for spec in specs or []:
        if not isinstance(spec, dict) or not spec.get('target'):
            raise SpecError('%s: each entry needs target (and type volume, bind or tmpfs).' % option)
        kind = spec.get('type') or 'volume'
        if kind not in ('volume', 'bind', 'tmpfs'):
            raise SpecError('%s: type %r is not volume, bind or tmpfs.' % (option, kind))
        if kind == 'bind' and not spec.get('source'):
            raise SpecError('%s: a bind mount of %s needs source.' % (option, spec['target']))
        entry = {'Type': kind, 'Target': spec['target'], 'ReadOnly': bool(spec.get('read_only'))}
        if spec.get('source'):
            entry['Source'] = spec['source']
        if kind == 'tmpfs' and spec.get('tmpfs_size') is not None:
            entry['TmpfsOptions'] = {'SizeBytes': parse_size(spec['tmpfs_size'], option + '.tmpfs_size')}
        result.append(entry)
    return result


def mount_key(entry):
    return (entry.get('Type') or 'volume', entry.get('Source') or '', entry.get('Target'),
            bool(entry.get('ReadOnly')), (entry.get('TmpfsOptions') or {}).get('SizeBytes'))


def parse_tmpfs(specs, option='tmpfs'):
    result = {}
    for spec in specs or []:
        path, _sep, opts = str(spec).partition(':')
        if not path.startswith('/'):
            raise SpecError('%s: %r needs an absolute path, e.g. /run:size=64m.' % (option, spec))
        result[path] = opts
    return result


def parse_ulimits(specs, option='ulimits'):
    result = []
    for spec in specs or []:
        parts = str(spec).split(':')
        if len(parts) not in (2, 3) or not all(p.lstrip('-').isdigit() for p in parts[1:]):
            raise SpecError('%s: %r is not NAME:SOFT[:HARD], e.g. nofile:1024:2048.' % (option, spec))
        soft = int(parts[1])
        hard = int(parts[2]) if len(parts) == 3 else soft
        result.append({'Name': parts[0], 'Soft': soft, 'Hard': hard})
    return sorted(result, key=lambda u: u['Name'])


def parse_networks(specs, network_mode=None, option='networks'):
    """[{name, aliases, ipv4_address, ipv6_address}] -> ordered {name: settings}."""
    if network_mode in ('host', 'none') or (network_mode or '').startswith('container:'):
        raise SpecError('%s cannot be used with network_mode %s: a container in that mode has no networks '
                        'of its own. Drop one of the two.' % (option, network_mode))
    result = {}
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict) or not spec.get('name'):
            raise SpecError('%s[%d] needs a name (e.g. {name: backend, aliases: [db]}).' % (option, index))
        name = str(spec['name'])
        if name in result:
            raise SpecError('%s lists network %s twice; give it once with all its aliases.' % (option, name))
        for field in ('ipv4_address', 'ipv6_address'):
            address = spec.get(field)
            if address:
                try:
                    ip = ipaddress.ip_address(u'%s' % address)
                except ValueError:
                    raise SpecError('%s[%d].%s: %r is not an IP address.' % (option, index, field, address))
                if ip.version != (4 if field == 'ipv4_address' else 6):
                    raise SpecError('%s[%d].%s: %s is an IPv%d address.' % (option, index, field, address, ip.version))
        aliases = spec.get('aliases')
        result[name] = {'aliases': sorted(set(str(a) for a in aliases)) if aliases is not None else None,
                        'ipv4_address': spec.get('ipv4_address') or None,
                        'ipv6_address': spec.get('ipv6_address') or None}
    if result and network_mode:
        # The network named by network_mode is one the container is meant to be on.
        result.setdefault('bridge' if network_mode == 'default' else network_mode,
                          {'aliases': None, 'ipv4_address': None, 'ipv6_address': None})
    return result


def parse_healthcheck(spec, option='healthcheck'):
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise SpecError('%s must be a dictionary with test (and interval, timeout, retries, start_period).' % option)
    test = spec.get('test')
    if test is None:
        raise SpecError('%s.test is required, e.g. [CMD, curl, -f, http://localhost/] or NONE.' % option)
    if isinstance(test, str):
        test = ['NONE'] if test.upper() == 'NONE' else ['CMD-SHELL', test]
    elif isinstance(test, (list, tuple)) and all(isinstance(t, (str, int, float)) and not isinstance(t, bool)
                                                 for t in test):
        test = [str(t) for t in test]
    else:
        raise SpecError('%s.test: %r is neither a command string nor a list of words; write e.g. '
                        '[CMD, curl, -f, http://localhost/], "curl -f http://localhost/" or NONE.' % (option, test))
    result = {'Test': test}
    for key, api in (('interval', 'Interval'), ('timeout', 'Timeout'), ('start_period', 'StartPeriod')):
        if spec.get(key) is not None:
            result[api] = parse_duration(spec[key], '%s.%s' % (option, key))
    if spec.get('retries') is not None:
        result['Retries'] = _count(spec['retries'], '%s.retries' % option)
    return result


def _count(value, option):
    """A whole number 0 or more, from an int or a string of digits; errors name the option."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise SpecError('%s: %r is not a whole number; write a count such as 3.' % (option, value))


# ---------------------------------------------------------------------------------------------
# How values are read back from inspect data and written into the create body

def _as_given(value, *_context):
    return value


def _by_name(parse):
    """A parser that needs only the value and the option's name (for its error messages)."""
    return lambda value, name, params: parse(value, name)


def _strings(value, name):
    return [str(v) for v in value]


def _command_parse(value, name, params):
    return parse_command(value, name, params.get('command_handling') or 'correct')


def _env_pairs(entries):
    return dict(e.split('=', 1) if '=' in e else (e, '') for e in entries or [])


def _image_env(image):
    return _env_pairs(((image or {}).get('Config') or {}).get('Env'))


def _image_labels(image):
    return dict(((image or {}).get('Config') or {}).get('Labels') or {})


def _env_actual(container, image):
    return _env_pairs((container.get('Config') or {}).get('Env'))


def _labels_actual(container, image):
    return dict((container.get('Config') or {}).get('Labels') or {})


def _ports_actual(container, image):
    bindings = (container.get('HostConfig') or {}).get('PortBindings') or {}
    result = {}
    for key, entries in bindings.items():
        result[key] = sorted(('' if (e.get('HostIp') or '') == '0.0.0.0' else (e.get('HostIp') or ''),
                              e.get('HostPort') or '') for e in entries or [])
    return result


def _ports_build(value, body):
    body.setdefault('HostConfig', {})['PortBindings'] = dict(
        (key, [{'HostIp': ip, 'HostPort': port} for ip, port in entries]) for key, entries in value.items())
    _exposed_build(value, body)  # a published port is exposed too, as docker run -p does


def _exposed_build(value, body):
    exposed = body.setdefault('ExposedPorts', {})
    for key in value:
        exposed[key] = {}


def _volumes_build(value, body):
    binds, anonymous = value
    if binds:
        body.setdefault('HostConfig', {})['Binds'] = binds
    if anonymous:
        body['Volumes'] = dict((path, {}) for path in anonymous)


def _volumes_actual(container, image):
    binds = sorted(normalise_bind(b) for b in ((container.get('HostConfig') or {}).get('Binds') or []))
    image_volumes = set(((image or {}).get('Config') or {}).get('Volumes') or {})
    anonymous = sorted(set((container.get('Config') or {}).get('Volumes') or {}) - image_volumes)
    return binds, anonymous


# The docker CLI's --security-opt systempaths=unconfined is no engine security option: the CLI sends
# empty MaskedPaths and ReadonlyPaths instead (/proc unmasked, /proc/sys writable), and so does this.
SYSTEMPATHS_UNCONFINED = 'systempaths=unconfined'


def _security_opts_build(value, body):
    host = body.setdefault('HostConfig', {})
    host['SecurityOpt'] = [opt for opt in value if opt != SYSTEMPATHS_UNCONFINED]
    if SYSTEMPATHS_UNCONFINED in value:
        host['MaskedPaths'] = []
        host['ReadonlyPaths'] = []


def _security_opts_actual(container, image):
    host = container.get('HostConfig') or {}
    actual = list(host.get('SecurityOpt') or [])
    if host.get('MaskedPaths') == [] and host.get('ReadonlyPaths') == []:
        actual.append(SYSTEMPATHS_UNCONFINED)
    return actual


def _restart_parse(value, name, params):
    retries = params.get('restart_retries') or 0
    if value != 'on-failure' and retries:
        raise SpecError('restart_retries goes with restart_policy: on-failure only.')
    return value, retries


def _restart_actual(container, image):
    policy = (container.get('HostConfig') or {}).get('RestartPolicy') or {}
    name = policy.get('Name') or 'no'
    return name, (policy.get('MaximumRetryCount') or 0) if name == 'on-failure' else 0


def _network_mode_actual(container, image):
    mode = (container.get('HostConfig') or {}).get('NetworkMode') or 'default'
    return 'bridge' if mode == 'default' else mode


# Networks: {name: {aliases, ipv4_address, ipv6_address}}; a key left out (None) is not compared.
NETWORK_FIELDS = ('aliases', 'ipv4_address', 'ipv6_address')


def endpoint_config(settings):
    """One network's EndpointConfig for create or connect."""
    config = {}
    if settings.get('aliases'):
        config['Aliases'] = list(settings['aliases'])
    ipam = {}
    if settings.get('ipv4_address'):
        ipam['IPv4Address'] = settings['ipv4_address']
    if settings.get('ipv6_address'):
        ipam['IPv6Address'] = settings['ipv6_address']
    if ipam:
        config['IPAMConfig'] = ipam
    return config


def _networks_build(value, body):
    """The first listed network is the container's own (as ``docker run --network``) unless
    network_mode names one; only that one goes into the create body, because engines before API
    1.44 accept a single EndpointsConfig entry. ContainerService connects the others after create."""
    if not value:
        return
    host = body.setdefault('HostConfig', {})
    primary = host.setdefault('NetworkMode', next(iter(value)))
    if primary in value:
        body['NetworkingConfig'] = {'EndpointsConfig': {primary: endpoint_config(value[primary])}}


def _networks_actual(container, image):
    # Engines before API 1.45 add the container's short id and its hostname to the aliases on user
    # networks (dockerd 20.10: ["jobs", "d52ef58ab334", "worker"] for a declared "jobs"). They are kept
    # apart as engine_aliases: not a difference, and not the user's to keep on a reconnect.
    engine_added = set([(container.get('Id') or '')[:12], (container.get('Config') or {}).get('Hostname') or ''])
    result = {}
    for name, endpoint in (((container.get('NetworkSettings') or {}).get('Networks')) or {}).items():
        endpoint = endpoint or {}
        ipam = endpoint.get('IPAMConfig') or {}
        every = set(endpoint.get('Aliases') or [])
        result[name] = {'aliases': sorted(every - engine_added), 'ipv4_address': ipam.get('IPv4Address') or None,
                        'ipv6_address': ipam.get('IPv6Address') or None,
                        'engine_aliases': sorted(every & engine_added - set([''])) or None}
    return result


def _networks_shown(value):
    """Networks as changes and diffs show them: without the aliases the engine added itself."""
    if not isinstance(value, dict):
        return value
    return dict((name, dict((k, v) for k, v in (settings or {}).items() if k != 'engine_aliases'))
                for name, settings in value.items())


def network_settings_differ(wanted, current):
    """The fields the user set that differ on a connected network (a reconnect fixes them). A declared
    alias the engine adds anyway (the hostname) is there whatever is declared."""
    engine_aliases = set(current.get('engine_aliases') or [])
    return [field for field in NETWORK_FIELDS
            if wanted.get(field) is not None and
            (sorted(set(wanted[field]) - engine_aliases) if field == 'aliases' else wanted[field])
            != current.get(field)]


def network_operations(wanted, current, mode):
    """[(operation, name, settings)] that bring ``current`` to ``wanted``.

    ``connect`` carries the settings to connect with, ``disconnect`` the settings the network had
    (so a failed reconnect can be undone). A connected network whose aliases or addresses differ is
    reconnected; fields the user did not set keep their current values. ``strict`` also
    disconnects networks that are not listed.
    """
    operations = []
    if mode == 'strict':
        operations.extend(('disconnect', name, current[name]) for name in current if name not in wanted)
    for name, settings in wanted.items():
        if name not in current:
            operations.append(('connect', name, settings))
        elif network_settings_differ(settings, current[name]):
            merged = dict((field, settings[field] if settings.get(field) is not None else current[name].get(field))
                          for field in NETWORK_FIELDS)
            operations.extend([('disconnect', name, current[name]), ('connect', name, merged)])
    return operations


def _networks_same(wanted, current, mode, image=None):
    for name, settings in wanted.items():
        if name not in current or network_settings_differ(settings, current[name]):
            return False
    return mode != 'strict' or set(current) <= set(wanted)


def _log_config(container):
    return (container.get('HostConfig') or {}).get('LogConfig') or {}


def _log_options_warnings(value):
    """The engine takes strings only; a number or boolean is converted, and said so."""
    return ['log_options: the value of %s is %r, not a string; it is sent as %r. Quote it to say so and silence '
            'this warning.' % (key, item, stringify_mapping({key: item}, 'log_options')[str(key)])
            for key, item in sorted((value or {}).items(), key=lambda kv: str(kv[0]))
            if not isinstance(item, (str, dict, list, tuple)) and item is not None]


def _etc_hosts_parse(value, name, params):
    if not isinstance(value, dict):
        raise SpecError('etc_hosts must be a dictionary of host names to IP addresses.')
    return sorted('%s:%s' % (k, v) for k, v in value.items())


def _etc_hosts_actual(container, image):
    return sorted((container.get('HostConfig') or {}).get('ExtraHosts') or [])


def _mounts_actual(container, image):
    return sorted(mount_key(m) for m in ((container.get('HostConfig') or {}).get('Mounts') or []))


def _caps(values, name=None):
    """CAP_NET_ADMIN and net_admin are one capability; the engine stores what it was given. ALL
    (every capability) is no CAP_ name: the engine refuses CAP_ALL."""
    return sorted(set(v.upper() if v.upper().startswith('CAP_') or v.upper() == 'ALL' else 'CAP_' + v.upper()
                      for v in values))


def _caps_actual(key):
    return lambda c, i: _caps((c.get('HostConfig') or {}).get(key) or [])


def _signal(value, name=None):
    text = str(value).upper()
    if text.isdigit():
        return text
    return text if text.startswith('SIG') else 'SIG' + text


def _stop_signal_actual(container, image):
    # Without one of its own the container stops with its image's signal, else SIGTERM.
    return _signal((container.get('Config') or {}).get('StopSignal') or
                   ((image or {}).get('Config') or {}).get('StopSignal') or 'SIGTERM')


def _working_dir_parse(value, name, params):
    if not str(value).startswith('/'):
        raise SpecError('working_dir must be an absolute path, not %r.' % value)
    return value


def _cpus_parse(value, name, params):
    # NaN and infinity pass a plain "> 0" test one way or the other; the engine takes nano-CPUs.
    if not math.isfinite(value) or value <= 0 or value > MAX_CPUS:
        raise SpecError('cpus must be a number of CPUs above 0 and at most %d, e.g. 0.5 or 2, not %r.'
                        % (MAX_CPUS, value))
    return int(round(value * 10 ** 9))


def _plain_value(value):
    """Tuples to lists (JSON-shaped) so results and comparisons agree."""
    if isinstance(value, tuple):
        return [_plain_value(v) for v in value]
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if isinstance(value, dict):
        return dict((k, _plain_value(v)) for k, v in value.items())
    return value


def _covers(desired, actual):
    """allow_more_present: every desired entry is in actual (dicts by key, each value equal or for a
    dict covered; lists as sets)."""
    if isinstance(desired, dict) and isinstance(actual, dict):
        return all(k in actual and _covers(v, actual[k]) if isinstance(v, dict) else
                   actual.get(k) == v for k, v in desired.items())
    if isinstance(desired, (list, tuple)) and isinstance(actual, (list, tuple)):
        return all(d in actual for d in desired)
    return desired == actual


def _equal_or_covered(wanted, current, mode, image=None):
    """The comparison every option gets unless it declares its own: equal, or with allow_more_present
    every wanted entry present."""
    if mode == 'allow_more_present':
        return _covers(_plain_value(wanted), _plain_value(current))
    return _plain_value(wanted) == _plain_value(current)


def _each_covered(wanted, current, mode, image=None):
    """volumes: binds and anonymous volumes, each compared on its own."""
    return all(_equal_or_covered(w, c, mode) for w, c in zip(wanted, current))


def _with_image_defaults(image_values):
    """env and labels: strict means exactly what was asked for plus what the image itself sets (the
    engine merges the image's entries into the container's)."""
    def same(wanted, current, mode, image=None):
        if mode != 'strict':
            return _equal_or_covered(wanted, current, mode)
        expected = image_values(image)
        expected.update(wanted)
        return current == expected
    return same


# Per run: equal values show the same digest within one result, and no digest can be matched
# against guesses or against another run's output.
def hidden_env(env):
    """env with each value replaced by a short keyed digest (for changes, diffs, the log line and invocation)."""
    return dict((key, 'hidden (%s)' % keyed_digest(value, 8)) for key, value in (env or {}).items())


# ---------------------------------------------------------------------------------------------
# The option table

class Option(object):
    """One container option, declared once, by keyword; the argument spec is derived from it.

    Argument spec: ``type``, ``elements``, ``choices``, ``aliases``, ``suboptions``.

    ``parse(value, name, params)`` turns the user's value into the normalised one (``SpecError``
    naming the option when it cannot; ``params`` for a companion such as ``restart_retries``); None
    leaves the option unset. ``warn(value)`` lists warnings about a value that is used as converted.

    Where it lives: ``config='Key'`` (under ``Config`` in inspect data, top level of the create body)
    or ``host='Key'`` (under ``HostConfig`` in both); ``to_api`` converts the normalised value for
    that key and ``empty`` is what the engine's null or missing key means (0 for limits, [] for lists,
    False for flags), so an unset key compares equal to the user asking for that default. ``build``
    and ``read`` replace the key for options spread over several places.

    Comparison: ``compare`` is the default mode (community.docker.docker_container's: ``strict`` for
    values and ordered lists, ``allow_more_present`` for sets and dicts, ``ignore``); ``desired``
    makes the normalised value comparable with what ``read`` returns; ``same(wanted, current, mode,
    image)`` replaces plain equality; ``show`` is how values appear in changes and diffs.

    ``updatable``: True when ``POST /containers/{id}/update`` changes it in place (under its
    ``host`` key), ``'connect'`` when network connects and disconnects do; else a change recreates.
    ``part_of`` names the option a companion (``restart_retries``) is read by: it is not compared
    on its own and is refused without that option; ``requires`` names an option it is refused
    without, though compared on its own (``log_options``).
    """

    def __init__(self, name, *, type, elements=None, choices=None, aliases=None, suboptions=None,
                 parse=None, config=None, host=None, to_api=None, empty=None, build=None, read=None,
                 desired=None, compare='strict', same=None, show=None, updatable=False, part_of=None,
                 requires=None, warn=None):
        self.name = name
        self.argument_spec = dict((key, value) for key, value in (
            ('type', type), ('elements', elements), ('choices', choices), ('aliases', aliases),
            ('options', suboptions)) if value is not None)
        self.parse = parse or _as_given
        self.part_of = part_of
        self.requires = part_of or requires
        self.warn = warn or (lambda value: [])
        self.default_comparison = compare
        self.desired = desired or _as_given
        self.same = same or _equal_or_covered
        self.show = show or _as_given
        self.to_api = to_api or _as_given
        self.update_key = host if updatable is True else None
        self.updatable = updatable
        if not (config or host or part_of) and not (build and read):
            raise TypeError('option %s: give its key (config= or host=), or both build= and read=' % name)
        section, key = ('Config', config) if config else ('HostConfig', host)
        self.build = build or self._build_at(config, host)
        self.actual = read or self._read_at(section, key, empty)

    def _build_at(self, config, host):
        def build(value, body):
            (body if config else body.setdefault('HostConfig', {}))[config or host] = self.to_api(value)
        return build

    @staticmethod
    def _read_at(section, key, empty):
        def read(container, image):
            value = (container.get(section) or {}).get(key)
            return empty if value is None or (empty is not None and not value) else value
        return read


OPTIONS = [
    Option('command', type='raw', parse=_command_parse, config='Cmd'),
    Option('entrypoint', type='list', elements='str', parse=_command_parse, config='Entrypoint'),
    Option('env', type='dict', parse=_by_name(stringify_mapping), config='Env',
           to_api=lambda v: ['%s=%s' % kv for kv in sorted(v.items())], read=_env_actual,
           compare='allow_more_present', same=_with_image_defaults(_image_env),
           show=hidden_env),  # values are often secrets (DB_PASSWORD): changes show which keys differ, not what
    Option('labels', type='dict', parse=_by_name(stringify_mapping), config='Labels', read=_labels_actual,
           compare='allow_more_present', same=_with_image_defaults(_image_labels)),
    Option('hostname', type='str', config='Hostname'),
    Option('domainname', type='str', config='Domainname'),
    Option('user', type='str', config='User'),
    Option('working_dir', type='str', parse=_working_dir_parse, config='WorkingDir'),
    Option('published_ports', type='list', elements='str', aliases=['ports'], parse=_by_name(parse_published_ports),
           build=_ports_build, read=_ports_actual, compare='allow_more_present'),
    Option('exposed_ports', type='list', elements='str', aliases=['exposed', 'expose'],
           parse=_by_name(parse_exposed_ports), build=_exposed_build,
           read=lambda c, i: sorted((c.get('Config') or {}).get('ExposedPorts') or {}), compare='allow_more_present'),
    Option('volumes', type='list', elements='str', parse=_by_name(parse_binds), build=_volumes_build,
           read=_volumes_actual, compare='allow_more_present', same=_each_covered),
    Option('mounts', type='list', elements='dict', suboptions=dict(
        target=dict(type='str', required=True),
        source=dict(type='str'),
        type=dict(type='str', default='volume', choices=['volume', 'bind', 'tmpfs']),
        read_only=dict(type='bool', default=False),
        tmpfs_size=dict(type='str'),
    ), parse=_by_name(parse_mounts), host='Mounts', desired=lambda v: sorted(mount_key(m) for m in v),
        read=_mounts_actual, compare='allow_more_present'),
    Option('tmpfs', type='list', elements='str', parse=_by_name(parse_tmpfs), host='Tmpfs', empty={},
           compare='allow_more_present'),
    Option('read_only', type='bool', host='ReadonlyRootfs', empty=False),
    Option('restart_policy', type='str', choices=['no', 'always', 'on-failure', 'unless-stopped'],
           parse=_restart_parse, host='RestartPolicy', to_api=lambda v: {'Name': v[0], 'MaximumRetryCount': v[1]},
           read=_restart_actual, updatable=True),
    Option('restart_retries', type='int', part_of='restart_policy'),
    Option('network_mode', type='str', host='NetworkMode', desired=lambda v: 'bridge' if v == 'default' else v,
           read=_network_mode_actual),
    Option('networks', type='list', elements='dict', suboptions=dict(
        name=dict(type='str', required=True),
        aliases=dict(type='list', elements='str'),
        ipv4_address=dict(type='str'),
        ipv6_address=dict(type='str'),
    ), parse=lambda value, name, params: parse_networks(value, params.get('network_mode'), name),
        build=_networks_build, read=_networks_actual, compare='allow_more_present', same=_networks_same,
        show=_networks_shown, updatable='connect'),
    Option('dns_servers', type='list', elements='str', parse=_by_name(_strings), host='Dns', empty=[]),
    Option('dns_search_domains', type='list', elements='str', parse=_by_name(_strings), host='DnsSearch', empty=[]),
    Option('etc_hosts', type='dict', parse=_etc_hosts_parse, host='ExtraHosts', read=_etc_hosts_actual,
           compare='allow_more_present'),
    Option('memory', type='str', parse=_by_name(parse_size), host='Memory', empty=0, updatable=True),
    Option('memory_reservation', type='str', parse=_by_name(parse_size), host='MemoryReservation', empty=0,
           updatable=True),
    Option('cpus', type='float', parse=_cpus_parse, host='NanoCpus', empty=0, updatable=True),
    Option('cpu_shares', type='int', host='CpuShares', empty=0, updatable=True),
    Option('pids_limit', type='int', host='PidsLimit', empty=0, updatable=True),
    Option('ulimits', type='list', elements='str', parse=_by_name(parse_ulimits), host='Ulimits',
           read=lambda c, i: sorted((c.get('HostConfig') or {}).get('Ulimits') or [], key=lambda u: u['Name']),
           compare='allow_more_present'),
    Option('capabilities', type='list', elements='str', parse=_by_name(_caps), host='CapAdd',
           read=_caps_actual('CapAdd'), compare='allow_more_present'),
    Option('cap_drop', type='list', elements='str', parse=_by_name(_caps), host='CapDrop', read=_caps_actual('CapDrop'),
           compare='allow_more_present'),
    Option('privileged', type='bool', host='Privileged', empty=False),
    Option('security_opts', type='list', elements='str', parse=_by_name(_strings), build=_security_opts_build,
           read=_security_opts_actual, compare='allow_more_present'),
    Option('init', type='bool', host='Init', empty=False),
    Option('tty', type='bool', config='Tty', empty=False),
    Option('interactive', type='bool', build=lambda v, b: b.update(OpenStdin=v, AttachStdin=v),
           read=lambda c, i: bool((c.get('Config') or {}).get('OpenStdin'))),
    Option('healthcheck', type='dict', parse=_by_name(parse_healthcheck), config='Healthcheck',
           compare='allow_more_present'),
    Option('log_driver', type='str', build=lambda v, b: b.setdefault('HostConfig', {}).setdefault('LogConfig', {})
           .update(Type=v), read=lambda c, i: _log_config(c).get('Type')),
    Option('log_options', type='dict', aliases=['log_opt'], requires='log_driver', parse=_by_name(stringify_mapping),
           build=lambda v, b: b.setdefault('HostConfig', {}).setdefault('LogConfig', {}).update(Config=v),
           read=lambda c, i: dict(_log_config(c).get('Config') or {}), compare='allow_more_present',
           warn=_log_options_warnings),
    Option('stop_signal', type='str', parse=_by_name(_signal), config='StopSignal', read=_stop_signal_actual),
    # A new stop_timeout alone is no reason to recreate a container (community.docker's default too).
    Option('stop_timeout', type='int', config='StopTimeout', compare='ignore'),
    Option('auto_remove', type='bool', host='AutoRemove', empty=False),
    # The engine reports the mode it chose when none was asked for; compared only when set.
    Option('cgroupns_mode', type='str', choices=['private', 'host'], host='CgroupnsMode'),
]
OPTIONS_BY_NAME = dict((o.name, o) for o in OPTIONS)
COMPARISON_MODES = ('strict', 'ignore', 'allow_more_present')

# The parameters of docker_api_container that are not container options: what to converge to, and how.
PARAMETERS = dict(
    name=dict(type='str', required=True),
    image=dict(type='str'),
    pull=dict(type='str', default='missing', choices=['missing', 'always', 'never']),
    state=dict(type='str', default='started', choices=['present', 'started', 'stopped', 'restarted', 'absent']),
    recreate=dict(type='bool', default=False),
    restart=dict(type='bool', default=False),
    force_kill=dict(type='bool', default=False, aliases=['forcekill']),
    keep_volumes=dict(type='bool', default=True),
    comparisons=dict(type='dict'),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=60),
    command_handling=dict(type='str', default='correct', choices=['correct', 'compatibility']),
    removal_wait_timeout=dict(type='float'),
)

# The argument spec of docker_api_container (and of each containers entry of docker_api_containers).
CONTAINER_ARGUMENT_SPEC = dict(PARAMETERS, **dict((o.name, o.argument_spec) for o in OPTIONS))
# Options that only make sense with another one.
CONTAINER_REQUIRED_BY = dict((o.name, o.requires) for o in OPTIONS if o.requires)
# Options whose values show as digests in changes show as digests in the log line and invocation too (SafeModule).
CONTAINER_HIDDEN_VALUES = dict((o.name, o.show) for o in OPTIONS if o.show is hidden_env)


def normalise_params(params, warnings=None):
    """The user's options -> {option name: normalised value} for the options that were set.

    Raises SpecError naming the option for anything the engine would refuse or misread; appends to
    ``warnings`` what is used as converted.
    """
    values = {}
    for option in OPTIONS:
        value = params.get(option.name)
        if value is None:
            continue
        if option.requires and value and params.get(option.requires) is None:
            raise SpecError('%s needs %s; set %s too, or leave %s out.'
                            % (option.name, option.requires, option.requires, option.name))
        if option.part_of:
            continue
        parsed = option.parse(value, option.name, params)
        if parsed is not None:
            values[option.name] = parsed
            if warnings is not None:
                warnings.extend(option.warn(value))
    return values


def build_create_body(image_name, values):
    """The POST /containers/create body for the normalised values."""
    body = {'Image': image_name, 'HostConfig': {}}
    for name, value in values.items():
        OPTIONS_BY_NAME[name].build(value, body)
    return body


def resolve_comparisons(comparisons):
    """{'*': mode, option or alias: mode} -> {option: mode} for every option; unknown names are errors."""
    compared = [o for o in OPTIONS if not o.part_of]
    canonical = dict((alias, o.name) for o in compared for alias in o.argument_spec.get('aliases') or [])
    comparisons = dict((canonical.get(name, name), mode) for name, mode in (comparisons or {}).items())
    default = comparisons.get('*')
    for name, mode in comparisons.items():
        if name != '*' and name != 'image' and name not in [o.name for o in compared]:
            raise SpecError('comparisons: %r is not a compared option (known: image, %s, or *).'
                            % (name, ', '.join(sorted(o.name for o in compared))))
        if mode not in COMPARISON_MODES:
            raise SpecError('comparisons: %s is %r; use strict, ignore or allow_more_present.' % (name, mode))
    resolved = {}
    for option in compared:
        resolved[option.name] = comparisons.get(option.name, default or option.default_comparison)
    resolved['image'] = comparisons.get('image', default if default == 'ignore' else 'strict')
    return resolved


def differences(values, container, image, comparisons):
    """[{option, before, after}] for the options whose actual value differs from the desired one."""
    found = []
    for name, wanted in values.items():
        mode = comparisons.get(name, 'strict')
        if mode == 'ignore':
            continue
        option = OPTIONS_BY_NAME[name]
        wanted = option.desired(wanted)
        current = option.actual(container, image)
        if not option.same(wanted, current, mode, image):
            found.append({'option': name, 'before': _plain_value(option.show(current)),
                          'after': _plain_value(option.show(wanted))})
    return found


class ContainerRequest(object):
    """What one container should be, validated and parsed once, before any request.

    The service reads these attributes and nothing else: the parameters of :data:`PARAMETERS`
    (defaults applied), ``stop_timeout``, ``values`` (the normalised options that were set) and
    ``comparisons`` (a mode for every option); the module shows ``warnings``. Raises SpecError
    naming the option for bad input.
    """

    def __init__(self, params):
        def get(key):
            value = params.get(key)
            return PARAMETERS[key].get('default') if value is None else value
        self.name = params['name']
        self.image = get('image')
        self.pull = get('pull')
        self.state = get('state')
        self.recreate = get('recreate')
        self.restart = get('restart')
        self.force_kill = get('force_kill')
        self.keep_volumes = get('keep_volumes')
        self.wait = get('wait')
        self.wait_timeout = get('wait_timeout')
        self.stop_timeout = params.get('stop_timeout')
        self.removal_wait_timeout = params.get('removal_wait_timeout')
        if self.removal_wait_timeout is not None and not 0 <= self.removal_wait_timeout < float('inf'):
            raise SpecError('removal_wait_timeout must be a number of seconds, 0 or more, not %r.'
                            % self.removal_wait_timeout)
        self.values, self.comparisons, self.warnings = {}, {}, []
        if self.state != 'absent':
            self.values = normalise_params(params, self.warnings)
            self.comparisons = resolve_comparisons(params.get('comparisons'))

    @classmethod
    def absent(cls, name):
        """Remove ``name`` with the defaults: stopped gracefully, its volumes kept."""
        return cls({'name': name, 'state': 'absent'})
