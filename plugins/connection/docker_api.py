# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: docker_api
short_description: Run tasks in containers through the Docker Engine API, over a unix socket, TCP or mutual TLS
description:
  - Runs commands in a running container through the Engine API's exec endpoints
    (C(POST /containers/{id}/exec), C(POST /exec/{id}/start), the exit code from C(GET /exec/{id}/json)) and copies
    files through C(PUT) and C(GET /containers/{id}/archive), from the controller, with the collection's own
    Engine API client.
  - Reaches the engine the way the collection's modules do, with the same options and environment variables
    (C(DOCKER_HOST), C(DOCKER_TLS), C(DOCKER_TLS_VERIFY), C(DOCKER_CERT_PATH) then C(~/.docker),
    C(DOCKER_TLS_HOSTNAME), C(DOCKER_API_VERSION), C(DOCKER_TIMEOUT)), so a TLS-only daemon secured by this
    collection is reached with the client bundle it issued.
  - Every read from the engine has a timeout. A command that prints nothing for O(timeout) seconds is waited for
    while the engine reports it running; a stream the engine leaves open after the command ended, a stopped or
    removed container, and an engine that went away end the task with a message naming the cause.
  - C(become) is done by the engine, not by C(sudo) or C(su) in the container (which needs neither); a
    command Ansible runs with privilege escalation is executed as C(become_user) (exec's C(User)); the
    C(become_method), its flags and a become password are not used. Other commands run as O(remote_user).
  - Files are written by the engine (as root), owned by O(remote_user) (or the container's configured user),
    with the mode they have on the controller. C(fetch) follows a symbolic link.
  - Pipelining (C(ANSIBLE_PIPELINING), C(ansible_pipelining)) is used over a unix socket and plain TCP, not over TLS
    (see the notes).
author:
  - tprov.docker maintainers (@tprov)
version_added: 0.2.0
options:
  remote_addr:
    description:
      - The name or id of the container.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
  remote_user:
    description:
      - The user (name, uid, or uid:gid) commands run as in the container (exec's C(User)).
      - Without one, the container's configured user (its image's C(USER)), usually root.
    type: str
    vars:
      - name: ansible_user
      - name: ansible_docker_user
    env:
      - name: ANSIBLE_REMOTE_USER
    ini:
      - section: defaults
        key: remote_user
    cli:
      - name: user
    keyword:
      - name: remote_user
  docker_host:
    description:
      - Where the Docker daemon listens, as the Docker CLI's C(-H) takes it (see the modules' O(docker_host)).
    type: str
    default: unix:///var/run/docker.sock
    vars:
      - name: ansible_docker_host
    env:
      - name: DOCKER_HOST
  docker_context:
    description:
      - The name of a Docker CLI context to reach the engine through, as C(docker --context NAME) does (see the modules'
        O(docker_context)), read from the controller user's E(DOCKER_CONFIG) or C(~/.docker).
      - When set, the context's address is used and O(docker_host) (and E(DOCKER_HOST)) is not; the TLS file
        options, when set, win over the context's files.
    type: str
    version_added: 0.3.0
    vars:
      - name: ansible_docker_context
  tls:
    description:
      - Talk TLS without verifying the daemon's certificate. Prefer O(validate_certs).
      - When not set, on if E(DOCKER_TLS) is set to any non-empty value, as for the Docker CLI.
    type: bool
    vars:
      - name: ansible_docker_tls
  validate_certs:
    description:
      - Talk TLS and verify the daemon's certificate against O(ca_path), as C(docker --tlsverify) does.
      - When not set, on if E(DOCKER_TLS_VERIFY) is set to any non-empty value, if O(ca_path) is given, or if a
        client certificate is presented; the rules are the modules' (their O(validate_certs)).
    type: bool
    aliases: [tls_verify]
    vars:
      - name: ansible_docker_validate_certs
  ca_path:
    description:
      - The CA certificate (PEM) that signed the daemon's server certificate.
      - Defaults, when TLS verification is on, to C(ca.pem) in E(DOCKER_CERT_PATH), else in C(~/.docker).
    type: path
    aliases: [ca_cert, tls_ca_cert]
    vars:
      - name: ansible_docker_ca_path
  client_cert:
    description:
      - The client certificate (PEM) presented to a daemon run with C(--tlsverify).
      - Defaults to C(cert.pem) in E(DOCKER_CERT_PATH), else in C(~/.docker), when both it and C(key.pem) exist.
    type: path
    aliases: [tls_client_cert]
    vars:
      - name: ansible_docker_client_cert
  client_key:
    description:
      - The private key (PEM, unencrypted) of O(client_cert).
    type: path
    aliases: [tls_client_key]
    vars:
      - name: ansible_docker_client_key
  tls_hostname:
    description:
      - The name (or IP) the daemon's certificate must carry, when it differs from the host in O(docker_host).
    type: str
    vars:
      - name: ansible_docker_tls_hostname
    env:
      - name: DOCKER_TLS_HOSTNAME
  api_version:
    description:
      - The Engine API version to talk; V(auto) asks the daemon (C(GET /version)), as the modules do.
    type: str
    default: auto
    vars:
      - name: ansible_docker_api_version
    env:
      - name: DOCKER_API_VERSION
  timeout:
    description:
      - Seconds (1 to 86400) to wait for the engine to answer one request, and for one read of a command's
        output before the engine is asked whether the command still runs.
    type: int
    default: 60
    vars:
      - name: ansible_docker_timeout
    env:
      - name: DOCKER_TIMEOUT
notes:
  - "Pipelining over TLS is not done, even when enabled: it needs the command's standard input closed while its
    output is still read, which over TLS means a half-closed TLS stream (close_notify sent, reading on); Python's
    C(ssl) cannot do that without waiting for the daemon's own close_notify, so a pipelined command could hang or
    lose output. Over TLS each module is copied into the container (C(PUT /archive)) and run from there."
  - C(DOCKER_CONTEXT) and the CLI's current context (C(docker context use)) are not read; name a context with
    O(docker_context).
  - The engine does the copies as root, so C(fetch) and the copy of files bypass the container's file permissions
    for the path given; who may use the engine is root on its host anyway.
  - The inventory plugin P(tprov.docker.docker_containers#inventory) sets C(ansible_connection) and the
    C(ansible_docker_*) variables for every container it lists.
  - Over plain C(tcp://) or with O(validate_certs=false) the task arguments (C(no_log) values included) and the
    files copied go to the engine unprotected, as with the modules; use mutual TLS with verification.
requirements:
  - requests
  - requests-unixsocket
'''

EXAMPLES = r'''
# inventory.yml: two containers on a TLS-only engine, with the client bundle the pki role issued
#   all:
#     children:
#       web:
#         hosts:
#           web-1:
#           web-2:
#         vars:
#           ansible_connection: tprov.docker.docker_api
#           ansible_docker_host: tcp://docker1.example.com:2376
#           ansible_docker_ca_path: pki/ca.pem
#           ansible_docker_client_cert: pki/clients/admin/cert.pem
#           ansible_docker_client_key: pki/clients/admin/key.pem

# a play: the app user's file, made as that user without sudo in the container
- name: Work inside the containers
  hosts: web
  gather_facts: false
  tasks:
    - name: A marker owned by the app user
      ansible.builtin.file:
        path: /srv/app/ready
        state: touch
        mode: "0644"
      become: true
      become_user: app
'''

import contextlib
import os

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

from ansible_collections.tprov.docker.plugins.module_utils.connection import resolve_connection
from ansible_collections.tprov.docker.plugins.module_utils.container_exec import (
    ContainerExec,
    ContainerUnavailable,
    can_send_stdin,
)
from ansible_collections.tprov.docker.plugins.module_utils.engine_client import REQUESTS_IMPORT_ERROR, EngineClient
from ansible_collections.tprov.docker.plugins.module_utils.errors import (
    CONNECTION_ERROR_KINDS,
    ConnectionSettingsError,
    EngineError,
)

display = Display()

# The connection options resolve_connection reads, named as the modules name them.
SETTINGS_OPTIONS = ('docker_host', 'docker_context', 'tls', 'validate_certs', 'ca_path', 'client_cert', 'client_key', 'tls_hostname',
                    'api_version', 'timeout')


@contextlib.contextmanager
def engine_errors():
    """The collection's errors as Ansible's: the engine or the container out of reach makes the host unreachable."""
    try:
        yield
    except EngineError as exc:
        if isinstance(exc, ContainerUnavailable) or exc.kind in CONNECTION_ERROR_KINDS:
            raise AnsibleConnectionFailure(to_native(exc))
        raise AnsibleError('tprov.docker.docker_api: %s' % to_native(exc))


class _EngineBecome(object):
    """The play's become plugin, its options read as usual, but its command wrapper left out.

    The engine switches the user (exec's ``User``), so no sudo or su runs in the container; Ansible
    still sees a become plugin, so it prepares temporary files for the become user as it does for
    any connection.
    """

    require_tty = False

    def __init__(self, plugin):
        self._plugin = plugin

    def __getattr__(self, name):
        return getattr(self._plugin, name)

    def build_become_command(self, cmd, shell):
        return cmd


class Connection(ConnectionBase):
    """Exec and archive calls on a container, through tprov.docker's Engine API client."""

    transport = 'tprov.docker.docker_api'
    has_tty = False

    def __init__(self, play_context, new_stdin, *args, **kwargs):
        super(Connection, self).__init__(play_context, new_stdin, *args, **kwargs)
        self._client = None
        self._container = None
        self._file_owner = None

    def set_become_plugin(self, plugin):
        super(Connection, self).set_become_plugin(_EngineBecome(plugin) if plugin is not None else None)

    @property
    def has_pipelining(self):
        """Over a unix socket or plain TCP, not over TLS. A property, not the usual class attribute: every
        ansible-core reads it (before 2.19 the action asks it alone), and the answer depends on the options."""
        try:
            settings = resolve_connection(self._settings_params())
        except (EngineError, KeyError, AttributeError):
            return False  # options not loaded yet, or bad: the connection reports bad settings itself
        return can_send_stdin(settings)

    def _settings_params(self):
        return dict((name, self.get_option(name)) for name in SETTINGS_OPTIONS)

    def _connect(self):
        if self._connected:
            return self
        if REQUESTS_IMPORT_ERROR:
            raise AnsibleError('The tprov.docker.docker_api connection needs the Python libraries requests and '
                               'requests-unixsocket on the controller: pip install requests requests-unixsocket.')
        name = self.get_option('remote_addr')
        try:
            self._client = EngineClient.from_params(self._settings_params())
        except ConnectionSettingsError as exc:
            raise AnsibleError('tprov.docker.docker_api: %s' % exc)
        # No request yet: a missing or stopped container is named by the first exec's answer.
        self._container = ContainerExec(self._client, name)
        display.vvv('ESTABLISH DOCKER API CONNECTION to %s on %s' % (name, self._client.settings.docker_host),
                    host=name)
        self._connected = True
        return self

    def _user(self, sudoable):
        if sudoable and self.become is not None:
            become_user = self.become.get_option('become_user')
            if become_user:
                return become_user
        return self.get_option('remote_user') or None

    def _run(self, argv, user, stdin=None):
        with engine_errors():
            return self._container.run(argv, user=user, stdin=stdin)

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        user = self._user(sudoable)
        executable = self._play_context.executable or '/bin/sh'
        display.vvv('EXEC (as %s) %s' % (user or 'the container user', cmd), host=self._container.container)
        return self._run([executable, '-c', cmd], user, stdin=in_data)

    def _owner(self):
        if self._file_owner is None:
            with engine_errors():
                user = self.get_option('remote_user')
                if not user:
                    user = (self._container.inspect().get('Config') or {}).get('User') or ''
                self._file_owner = self._container.user_ids(user)
        return self._file_owner

    def put_file(self, in_path, out_path):
        super(Connection, self).put_file(in_path, out_path)
        display.vvv('PUT %s TO %s' % (in_path, out_path), host=self._container.container)
        if not os.path.exists(to_bytes(in_path, errors='surrogate_or_strict')):
            raise AnsibleFileNotFound('file or module does not exist: %s' % in_path)
        out_path = self._prefix_login_path(out_path)
        uid, gid = self._owner()
        with engine_errors():
            self._container.put_file(in_path, out_path, uid, gid)

    def fetch_file(self, in_path, out_path):
        super(Connection, self).fetch_file(in_path, out_path)
        display.vvv('FETCH %s TO %s' % (in_path, out_path), host=self._container.container)
        in_path = self._prefix_login_path(in_path)
        with engine_errors():
            self._container.fetch_file(in_path, out_path)

    def _prefix_login_path(self, path):
        """A relative path is taken from the root, as the engine's archive endpoints need an absolute one."""
        if not path.startswith('/'):
            path = '/' + path
        return path

    def reset(self):
        self.close()

    def close(self):
        if self._client is not None:
            self._client.close()
        self._client = None
        self._connected = False
