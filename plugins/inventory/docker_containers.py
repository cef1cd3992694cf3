# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: docker_containers
short_description: The containers of one or more Docker engines as hosts, over a unix socket, TCP or mutual TLS
description:
  - Lists the containers of each engine (C(GET /containers/json) with O(filters), then C(GET /containers/{id}/json)
    for each) with the collection's Engine API client, and adds each as a host named by its container name.
  - Each host gets the C(docker_*) variables below, and (with O(connection_vars)) C(ansible_connection=tprov.docker.docker_api)
    and the C(ansible_docker_*) variables of its engine, so a play can target the containers right away.
  - Host variables, from the inspect data - C(docker_id), C(docker_name), C(docker_image) (the name it was created
    from), C(docker_image_id), C(docker_labels) (a dict), C(docker_state) (V(running), V(exited), ...),
    C(docker_running), C(docker_health) (V(healthy), V(unhealthy), V(starting), or V(none)),
    C(docker_networks) (network name to C(ip), C(ipv6), C(mac), C(aliases)), C(docker_ip) (the address on the
    first network), C(docker_engine) (the O(docker_host) it came from).
  - The inventory file's name must end in C(docker_containers.yml) or C(docker_containers.yaml).
  - Groups come from O(keyed_groups) and O(groups), the C(constructed) conventions; for example
    C(keyed_groups) with C(key=docker_labels) and C(prefix=label) makes C(label_tier_web) for label C(tier=web).
author:
  - tprov.docker maintainers (@tprov)
version_added: 0.2.0
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; the inventory file is read by it only when this says so.
    type: str
    required: true
    choices: [tprov.docker.docker_containers]
  docker_host:
    description:
      - The engines to list, each as the Docker CLI's C(-H) takes it (see the modules' O(docker_host)).
      - Without it and without O(docker_hosts_group), E(DOCKER_HOST), else the local socket. E(DOCKER_HOST) is
        never added to the engines named here or by O(docker_hosts_group).
      - The TLS options apply to every engine listed here.
    type: list
    elements: str
  docker_context:
    description:
      - Engines named by Docker CLI contexts (the client role writes C(tprov-HOST)), read from the controller user's
        E(DOCKER_CONFIG) or C(~/.docker) as the modules' O(tprov.docker.docker_api_info#module:docker_context) reads
        them; listed besides those of O(docker_host) and O(docker_hosts_group). The TLS file options, when set, win
        over a context's files.
      - Each container of such an engine gets C(ansible_docker_context) instead of C(ansible_docker_host).
    type: list
    elements: str
    version_added: 0.3.0
  docker_hosts_group:
    description:
      - The name of an inventory group read before this file (an earlier inventory source), whose hosts are
        Docker hosts secured by this collection; each is listed at C(tcp://ADDRESS:)O(docker_port), ADDRESS being
        its C(docker_daemon_connect_host), else C(ansible_host), else its name, with the TLS options or
        O(client_bundle).
    type: str
  docker_port:
    description: The daemons' TLS port for the hosts of O(docker_hosts_group) (the roles' C(docker_daemon_tls_port)).
    type: int
    default: 2376
  client_bundle:
    description:
      - A client bundle directory the pki role issued (C(PKI_DIR/clients/NAME), holding C(ca.pem), C(cert.pem) and
        C(key.pem)); it sets O(ca_path), O(client_cert) and O(client_key) where they are not given.
      - A relative path is taken from the inventory file's directory.
    type: path
  tls:
    description: Talk TLS without verifying the daemons' certificates. Prefer O(validate_certs).
    type: bool
  validate_certs:
    description:
      - Talk TLS and verify each daemon's certificate against O(ca_path), as C(docker --tlsverify) does; the rules
        (and E(DOCKER_TLS_VERIFY) and E(DOCKER_CERT_PATH)) are the modules'.
    type: bool
    aliases: [tls_verify]
  ca_path:
    description: The CA certificate (PEM) that signed the daemons' certificates; relative to the inventory file.
    type: path
    aliases: [ca_cert, tls_ca_cert]
  client_cert:
    description: The client certificate (PEM) presented to the daemons; relative to the inventory file.
    type: path
    aliases: [tls_client_cert]
  client_key:
    description: The private key (PEM, unencrypted) of O(client_cert); relative to the inventory file.
    type: path
    aliases: [tls_client_key]
  tls_hostname:
    description: The name the daemons' certificates must carry, when it differs from the host in O(docker_host).
    type: str
  api_version:
    description: The Engine API version to talk; V(auto) asks each daemon.
    type: str
    default: auto
  timeout:
    description: Seconds to wait for each engine to answer one request (also set as C(ansible_docker_timeout)).
    type: int
    default: 60
  filters:
    description:
      - "The engine's own list filters, as C(docker ps --filter) takes them, for example
        C({label: [tier=web], status: [running], name: [web-]}). A V(status) other than V(running) lists stopped
        containers too."
    type: dict
    default: {}
  all:
    description: List stopped containers too (otherwise only running ones, as C(docker ps)).
    type: bool
    default: false
  connection_vars:
    description:
      - Set C(ansible_connection=tprov.docker.docker_api) and C(ansible_docker_host), C(ansible_docker_validate_certs),
        C(ansible_docker_ca_path), C(ansible_docker_client_cert), C(ansible_docker_client_key),
        C(ansible_docker_tls_hostname), C(ansible_docker_timeout) (those set) for each container.
    type: bool
    default: true
notes:
  - Two engines with a container of the same name - the host is added once, from the first engine, with a warning.
  - A container named like a host already in the inventory (from an earlier source, or V(localhost)) is not added,
    with a warning naming both - else it would take that host over (its C(ansible_connection) replaced). A name
    that is not a Docker container name is skipped the same way.
  - What the engines report (names, images, labels, ...) is marked unsafe - never templated - so a label
    C({{ lookup('pipe', ...) }}) stays text in the host variables, O(compose), O(groups) and O(keyed_groups).
  - The cache keeps only what the engines reported (for the same engines, O(filters) and O(all)); the
    connection variables are made from the current options on every parse.
requirements:
  - requests
  - requests-unixsocket
'''

EXAMPLES = r'''
# web.docker_containers.yml: the running containers of two TLS-only engines, grouped by label
plugin: tprov.docker.docker_containers
docker_host:
  - tcp://docker1.example.com:2376
  - tcp://docker2.example.com:2376
client_bundle: pki/clients/admin
filters:
  label: [tprov.docker.managed]
keyed_groups:
  - key: docker_labels
    prefix: label
  - key: docker_state
    prefix: state
groups:
  unhealthy: docker_health == 'unhealthy'
compose:
  app_version: docker_labels['app.version'] | default('unknown')

# all.docker_containers.yml, after hosts.yml (ansible-playbook -i hosts.yml -i all.docker_containers.yml):
# every container of the docker_hosts group's hosts
# plugin: tprov.docker.docker_containers
# docker_hosts_group: docker_hosts
# client_bundle: pki/clients/admin
'''

import os
import re

from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.tprov.docker.plugins.module_utils.api_query import list_params
from ansible_collections.tprov.docker.plugins.module_utils.engine_client import REQUESTS_IMPORT_ERROR, EngineClient
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError, NotFound

CONNECTION = 'tprov.docker.docker_api'
# Plugin option -> connection variable (the connection plugin tprov.docker.docker_api reads these).
CONNECTION_VARS = (
    ('docker_host', 'ansible_docker_host'),
    ('docker_context', 'ansible_docker_context'),
    ('tls', 'ansible_docker_tls'),
    ('validate_certs', 'ansible_docker_validate_certs'),
    ('ca_path', 'ansible_docker_ca_path'),
    ('client_cert', 'ansible_docker_client_cert'),
    ('client_key', 'ansible_docker_client_key'),
    ('tls_hostname', 'ansible_docker_tls_hostname'),
    ('api_version', 'ansible_docker_api_version'),
    ('timeout', 'ansible_docker_timeout'),
)
TLS_FILES = (('ca_path', 'ca.pem'), ('client_cert', 'cert.pem'), ('client_key', 'key.pem'))
# The names dockerd gives containers (daemon/names: [a-zA-Z0-9][a-zA-Z0-9_.-]+); anything else came from a
# misbehaving engine and is no host name.
CONTAINER_NAME = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]*$')
# The cache entry's shape; an entry of another shape (an older version's) is a cache miss.
CACHE_FORMAT = 2


def container_vars(inspect, engine):
    """The docker_* host variables of one container, from its inspect body. Pure."""
    config = inspect.get('Config') or {}
    state = inspect.get('State') or {}
    networks = {}
    first_ip = None
    for name, net in sorted(((inspect.get('NetworkSettings') or {}).get('Networks') or {}).items()):
        net = net or {}
        networks[name] = {'ip': net.get('IPAddress') or None, 'ipv6': net.get('GlobalIPv6Address') or None,
                          'mac': net.get('MacAddress') or None, 'aliases': net.get('Aliases') or []}
        if first_ip is None and net.get('IPAddress'):
            first_ip = net['IPAddress']
    return {
        'docker_id': inspect.get('Id'),
        'docker_name': (inspect.get('Name') or '').lstrip('/'),
        'docker_image': config.get('Image'),
        'docker_image_id': inspect.get('Image'),
        'docker_labels': dict(config.get('Labels') or {}),
        'docker_state': state.get('Status'),
        'docker_running': bool(state.get('Running')),
        'docker_health': ((state.get('Health') or {}).get('Status')) or 'none',
        'docker_networks': networks,
        'docker_ip': first_ip,
        'docker_engine': engine,
    }


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Containers of Docker engines as hosts, through tprov.docker's Engine API client."""

    NAME = 'tprov.docker.docker_containers'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ('docker_containers.yml', 'docker_containers.yaml'))

    def _relative(self, path, base):
        if path and not os.path.isabs(path):
            return os.path.join(base, path)
        return path

    def _engines(self, path):
        """[(docker_host, settings params)] of every engine to list."""
        base = os.path.dirname(os.path.abspath(path))
        common = dict((name, self.get_option(name)) for name in
                      ('tls', 'validate_certs', 'tls_hostname', 'api_version', 'timeout'))
        bundle = self._relative(self.get_option('client_bundle'), base)
        for option, filename in TLS_FILES:
            value = self._relative(self.get_option(option), base)
            if not value and bundle:
                value = os.path.join(bundle, filename)
            common[option] = value
        hosts = list(self.get_option('docker_host') or [])
        group = self.get_option('docker_hosts_group')
        if group:
            if group not in self.inventory.groups:
                raise AnsibleParserError('docker_hosts_group: the inventory has no group %r (yet): give the inventory '
                                         'that defines it before this file (-i hosts.yml -i %s).'
                                         % (group, os.path.basename(path)))
            for host in self.inventory.groups[group].get_hosts():
                hostvars = host.get_vars()
                address = hostvars.get('docker_daemon_connect_host') or hostvars.get('ansible_host') or host.name
                if '{{' in str(address):
                    address = hostvars.get('ansible_host') or host.name
                if ':' in address and not address.startswith('['):
                    address = '[%s]' % address
                hosts.append('tcp://%s:%d' % (address, self.get_option('docker_port')))
        contexts = list(self.get_option('docker_context') or [])
        if not hosts and not group and not contexts:
            # DOCKER_HOST only here: not an option env, which would add it to the engines named.
            hosts = [os.environ.get('DOCKER_HOST') or None]  # None: the local socket
        engines = []
        for docker_host in hosts:
            params = dict(common, docker_host=docker_host)
            engines.append(params)
        # A context gives the address (the connection plugin reads ansible_docker_context, not a host).
        engines.extend(dict(common, docker_host=None, docker_context=name) for name in contexts)
        return engines

    def _list(self, params):
        """(docker_host, [host vars]) of the containers of one engine."""
        filters = dict(self.get_option('filters') or {})
        statuses = filters.get('status') or []
        statuses = [statuses] if isinstance(statuses, str) else statuses
        include_all = self.get_option('all') or any(status != 'running' for status in statuses)
        try:
            client = EngineClient.from_params(params)
        except EngineError as exc:
            raise AnsibleParserError('tprov.docker.docker_containers: %s' % exc)
        where = client.settings.docker_host
        try:
            listed = client.get_json('/containers/json', params=list_params(include_all, filters))
            found = []
            for summary in listed:
                try:
                    inspect = client.get_json('/containers/%s/json' % summary['Id'])
                except NotFound:
                    continue  # removed between the list and its inspect
                found.append(container_vars(inspect, where))
            return where, found
        except EngineError as exc:
            raise AnsibleParserError('tprov.docker.docker_containers: cannot list the containers of %s: %s'
                                     % (where, to_native(exc)))
        finally:
            client.close()

    def _connection_vars(self, params, docker_host):
        values = dict(params, docker_host=None if params.get('docker_context') else docker_host)
        out = {'ansible_connection': CONNECTION}
        for option, var in CONNECTION_VARS:
            if values.get(option) is not None and not (option == 'api_version' and values[option] == 'auto'):
                out[var] = values[option]
        return out

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        if REQUESTS_IMPORT_ERROR:
            raise AnsibleParserError('tprov.docker.docker_containers needs the Python libraries requests and '
                                     'requests-unixsocket on the controller: pip install requests requests-unixsocket.')
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        engines = self._engines(path)
        query = {'engines': [('context:%s' % params['docker_context']) if params.get('docker_context')
                             else params['docker_host'] for params in engines],
                 'filters': self.get_option('filters') or {}, 'all': bool(self.get_option('all'))}
        listed = None
        if use_cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
            # Only the engines' data is cached; for other engines, filters or all it is no answer.
            if isinstance(cached, dict) and cached.get('format') == CACHE_FORMAT and cached.get('query') == query:
                listed = cached['listed']
            else:
                update_cache = True
        if listed is None:
            listed = [self._list(params) for params in engines]
        if update_cache:
            self._cache[cache_key] = {'format': CACHE_FORMAT, 'query': query, 'listed': listed}
        results = []
        for params, (docker_host, containers) in zip(engines, listed):
            connection = self._connection_vars(params, docker_host) if self.get_option('connection_vars') else {}
            results.append({'engine': docker_host, 'connection': connection, 'containers': containers})
        self._populate(results)

    def _populate(self, results):
        strict = self.get_option('strict')
        seen = {}
        for engine in results:
            for hostvars in engine['containers']:
                # Unsafe: an engine's data (a label '{{ lookup(...) }}') is never templated, whether it
                # came from the engine or from the cache.
                hostvars = wrap_var(hostvars)
                name = hostvars['docker_name']
                if name in seen:
                    self.display.warning('tprov.docker.docker_containers: container %s is on %s and on %s; the host '
                                         'is the one on %s.' % (name, seen[name], engine['engine'], seen[name]))
                    continue
                if not CONTAINER_NAME.match(name or ''):
                    self.display.warning('tprov.docker.docker_containers: the engine %s reported a container named '
                                         '%r, which is no container name; skipped.' % (engine['engine'], name))
                    continue
                if name in self.inventory.hosts or name in C.LOCALHOST:
                    self.display.warning('tprov.docker.docker_containers: container %s on %s has the name of the host '
                                         '%s already in the inventory (an earlier source, or localhost); it is not '
                                         'added, so that host keeps its own connection. Rename the container, or '
                                         'leave it out with filters.' % (name, engine['engine'], name))
                    continue
                seen[name] = engine['engine']
                self.inventory.add_host(name)
                variables = dict(hostvars)
                variables.update(engine['connection'])
                for key, value in variables.items():
                    self.inventory.set_variable(name, key, value)
                self._set_composite_vars(self.get_option('compose'), variables, name, strict=strict)
                self._add_host_to_composed_groups(self.get_option('groups'), variables, name, strict=strict)
                self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, name, strict=strict)
