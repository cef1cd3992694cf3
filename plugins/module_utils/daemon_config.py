# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How dockerd is started, as plain functions: read the vendor's unit, build the daemon's flags,
render a drop-in / an edited unit / an environment file, and find what would make dockerd refuse
to start (the same setting both as a flag and in daemon.json).

Standard library only: this runs on the managed host, which need not have requests installed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re
import shlex

MANAGED_HEADER = '# Managed by tprov.docker (role tprov.docker.daemon); local edits are replaced.\n'

# Settings that dockerd takes either as a flag or in daemon.json, never both ("the following
# directives are specified both as a flag and in the configuration file").
DAEMON_JSON_FLAG_KEYS = {
    'hosts': '--host',
    'tls': '--tls',
    'tlsverify': '--tlsverify',
    'tlscacert': '--tlscacert',
    'tlscert': '--tlscert',
    'tlskey': '--tlskey',
}


class DaemonConfigError(Exception):
    """A configuration that cannot be used; the text names the file or option and the fix."""


def unit_exec_start(unit_text):
    """The argv of the (last) ExecStart= of the [Service] section, continuation lines joined."""
    section = None
    command = None
    lines = unit_text.replace('\\\n', ' ').splitlines()
    for raw in lines:
        line = raw.strip()
        if line.startswith('[') and line.endswith(']'):
            section = line[1:-1]
            continue
        if section == 'Service' and line.startswith('ExecStart='):
            value = line[len('ExecStart='):].strip()
            command = value or None  # an empty ExecStart= clears the earlier ones
    if not command:
        raise DaemonConfigError('the docker unit has no ExecStart= in its [Service] section.')
    # systemd prefixes (-, @, +, !) change how the command runs, not what it is.
    return shlex.split(command.lstrip('-@+!:'))


def _split_flag(argv, index):
    """(flag, value, tokens used) for the flag at argv[index], handling --flag=value and --flag value."""
    token = argv[index]
    if '=' in token and token.startswith('-'):
        flag, value = token.split('=', 1)
        return flag, value, 1
    takes_value = token in ('-H', '--host', '--tlscacert', '--tlscert', '--tlskey', '--containerd', '-G', '--group')
    if takes_value and index + 1 < len(argv):
        return token, argv[index + 1], 2
    return token, None, 1


def daemon_argv(vendor_argv, tcp_hosts, tls_verify=True, ca_cert=None, cert=None, key=None):
    """The daemon's new command line: the vendor's binary and flags (fd:// and unix:// hosts,
    --containerd, $DOCKER_OPTS, ...) without any TCP host or TLS flag, then ours, all written as
    --flag=value, the form auditing tools (CIS checks) parse."""
    if not vendor_argv:
        raise DaemonConfigError('the docker unit has an empty ExecStart.')
    result = [vendor_argv[0]]
    index = 1
    while index < len(vendor_argv):
        flag, value, used = _split_flag(vendor_argv, index)
        index += used
        if flag in ('-H', '--host'):
            if value is not None and value.startswith('tcp://'):
                continue
            result.append('--host=%s' % value)
        elif flag in ('--tls', '--tlsverify', '--tlscacert', '--tlscert', '--tlskey'):
            continue
        elif value is not None:
            result.append('%s=%s' % (flag, value))
        else:
            result.append(flag)
    for host in tcp_hosts:
        result.append('--host=%s' % host)
    if tls_verify and tcp_hosts:
        result.extend(['--tlsverify', '--tlscacert=%s' % ca_cert, '--tlscert=%s' % cert, '--tlskey=%s' % key])
    return result


def check_tcp_hosts(tcp_hosts, tls_verify, allow_plaintext):
    """Refuse plaintext TCP unless asked for on purpose, and then only on loopback."""
    for host in tcp_hosts:
        match = re.match(r'^tcp://(\[[^\]]+\]|[^:]*):(\d+)$', host)
        if not match:
            raise DaemonConfigError('tcp_hosts: %r is not tcp://ADDRESS:PORT.' % host)
        address = match.group(1).strip('[]') or '0.0.0.0'
        if tls_verify:
            continue
        if not allow_plaintext:
            raise DaemonConfigError(
                'tcp_hosts: %s without TLS would give root on this host to anyone who can reach the port. '
                'Keep tls_verify on, or set allow_plaintext_tcp (docker_daemon_allow_plaintext_tcp) on purpose.'
                % host)
        try:
            loopback = ipaddress.ip_address(u'%s' % address).is_loopback
        except ValueError:
            loopback = address == 'localhost'
        if not loopback:
            raise DaemonConfigError('tcp_hosts: plaintext TCP is allowed on a loopback address only, not %s.' % host)


def quote_argv(argv):
    """A systemd ExecStart value: words with spaces are quoted; $VARS stay bare so systemd expands them."""
    out = []
    for word in argv:
        if re.match(r'^[A-Za-z0-9_@%+=:,./$-]+$', word):
            out.append(word)
        else:
            out.append('"%s"' % word.replace('\\', '\\\\').replace('"', '\\"'))
    return ' '.join(out)


def render_dropin(argv):
    return (MANAGED_HEADER +
            '# ExecStart= is cleared first: systemd would otherwise refuse a second ExecStart.\n'
            '[Service]\nExecStart=\nExecStart=%s\n' % quote_argv(argv))


def render_unit(unit_text, argv):
    """The vendor unit with its ExecStart replaced (continuation lines included)."""
    lines = unit_text.split('\n')
    out, section, skipping, replaced = [], None, False, False
    for line in lines:
        stripped = line.strip()
        if skipping:
            skipping = stripped.endswith('\\')
            continue
        if stripped.startswith('[') and stripped.endswith(']'):
            section = stripped[1:-1]
        if section == 'Service' and stripped.startswith('ExecStart=') and stripped != 'ExecStart=':
            skipping = stripped.endswith('\\')
            if not replaced:
                out.append('ExecStart=%s' % quote_argv(argv))
                replaced = True
            continue
        out.append(line)
    if not replaced:
        raise DaemonConfigError('the docker unit has no ExecStart= to replace.')
    return '\n'.join(out)


def unit_reads_envfile(unit_text, envfile_path, variable):
    """Whether the unit loads the environment file and passes the variable to dockerd."""
    loads = any(re.match(r'^\s*EnvironmentFile\s*=\s*-?%s\s*$' % re.escape(envfile_path), line)
                for line in unit_text.splitlines())
    passes = re.search(r'\$\{?%s\}?(\W|$)' % re.escape(variable), unit_text) is not None
    return loads and passes


def render_envfile(env_text, variable, flags):
    """The environment file with ``VARIABLE="flags"`` set (other lines kept)."""
    line = '%s="%s"' % (variable, ' '.join(flags))
    lines = (env_text or '').split('\n')
    out, done = [], False
    for current in lines:
        if re.match(r'^\s*(export\s+)?%s=' % re.escape(variable), current):
            if not done:
                out.append(line)
                done = True
            continue
        out.append(current)
    if not done:
        if out and out[-1] == '':
            out.pop()
        out.extend(['# Set by tprov.docker (role tprov.docker.daemon).', line, ''])
    text = '\n'.join(out)
    return text if text.endswith('\n') else text + '\n'


def envfile_value(env_text, variable):
    """The value the environment file gives the variable, unquoted, or None."""
    value = None
    for line in (env_text or '').splitlines():
        match = re.match(r'^\s*(?:export\s+)?%s=(.*)$' % re.escape(variable), line)
        if match:
            words = shlex.split(match.group(1))
            value = words[0] if words else ''
    return value


def daemon_json_conflicts(json_text, path):
    """The keys of daemon.json that clash with the flags this collection sets, as {key: value}."""
    if not json_text or not json_text.strip():
        return {}
    try:
        data = json.loads(json_text)
    except ValueError as exc:
        raise DaemonConfigError('%s is not valid JSON (%s); dockerd would not start with it. Fix or remove it.'
                                % (path, exc))
    if not isinstance(data, dict):
        raise DaemonConfigError('%s must hold a JSON object.' % path)
    return dict((key, data[key]) for key in DAEMON_JSON_FLAG_KEYS if key in data)


def without_conflicts(json_text, conflicts):
    """daemon.json with the conflicting keys removed (everything else kept, key order kept)."""
    data = json.loads(json_text)
    for key in conflicts:
        data.pop(key, None)
    return json.dumps(data, indent=2, sort_keys=False) + '\n'


def carried_hosts(conflicts):
    """Non-TCP hosts that daemon.json listed (e.g. a unix socket): they move to flags, not lost."""
    hosts = conflicts.get('hosts') or []
    if isinstance(hosts, str):
        hosts = [hosts]
    return [h for h in hosts if not str(h).startswith('tcp://')]
