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

import base64
import hashlib
import ipaddress
import json
import os
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


# Where systemd looks for docker.service's drop-ins, highest precedence first (systemd.unit(5)):
# a file in an earlier directory masks one of the same name in a later one.
SYSTEMD_DROPIN_DIRS = (
    '/etc/systemd/system/docker.service.d',
    '/run/systemd/system/docker.service.d',
    '/usr/local/lib/systemd/system/docker.service.d',
    '/usr/lib/systemd/system/docker.service.d',
    '/lib/systemd/system/docker.service.d',
)

# dockerd's own default when no -H is given; kept when we add a TCP host, so the host can still
# be reached (and rolled back) locally.
DEFAULT_LOCAL_HOST = 'unix:///var/run/docker.sock'


class DaemonConfigError(Exception):
    """A configuration that cannot be used; the text names the file or option and the fix.

    ``kind`` is a stable code for roles and tests to react to (the text may be reworded)."""

    def __init__(self, message, kind='invalid_configuration'):
        super().__init__(message)
        self.kind = kind


_EXEC_START = re.compile(r'^ExecStart\s*=\s*(.*)$')  # systemd allows spaces around '='; keys are case-sensitive

# systemd's command prefixes (systemd.service(5)): they change how the command runs, and are kept.
_PREFIX = re.compile(r'^([-@:+!]*)(.*)$', re.S)


def _directives(text):
    """The unit's lines and, for each directive as systemd reads it, (first line, end line, section,
    logical line): a trailing backslash continues a line, and comment lines inside a continuation
    are skipped (they do not become words of the command)."""
    lines = text.split('\n')
    found, section, index = [], None, 0
    while index < len(lines):
        start, line = index, lines[index].strip()
        index += 1
        if not line or line.startswith(('#', ';')):
            continue
        if line.startswith('[') and line.endswith(']'):
            section = line[1:-1]
            continue
        parts = []
        while line.endswith('\\'):
            parts.append(line[:-1])
            while index < len(lines) and lines[index].strip().startswith(('#', ';')):
                index += 1
            line = lines[index].strip() if index < len(lines) else ''
            index += 1
        parts.append(line)
        found.append((start, min(index, len(lines)), section, ' '.join(parts)))
    return lines, found


def _exec_start_entries(text):
    """(first line, end line, value) of each ExecStart= of the [Service] section ('' when it clears)."""
    lines, found = _directives(text)
    entries = []
    for start, end, section, logical in found:
        match = _EXEC_START.match(logical)
        if section == 'Service' and match:
            entries.append((start, end, match.group(1).strip()))
    return lines, entries


def _service_exec_starts(unit_text):
    """Every ExecStart= value of the [Service] section in order ('' for a clearing ExecStart=)."""
    return [value for _s, _e, value in _exec_start_entries(unit_text)[1]]


def sets_exec_start(text):
    """Whether a unit or drop-in sets a command (not only clears ExecStart=)."""
    return any(_service_exec_starts(text or ''))


def _command_argv(command):
    """The command's words; systemd's prefixes (-, @, :, +, !) stay on the first word, so they are
    written back (with @, the second word is the argv[0] dockerd is given, and stays in place)."""
    prefix, rest = _PREFIX.match(command.strip()).groups()
    try:
        argv = shlex.split(rest)
    except ValueError as exc:
        raise DaemonConfigError('the docker unit (or a drop-in) has an ExecStart= systemd cannot split (%s): %s'
                                % (exc, command))
    if argv and prefix:
        argv[0] = prefix + argv[0]
    return argv


def unit_exec_start(unit_text):
    """The argv of the (last) ExecStart= of the [Service] section, continuation lines joined."""
    command = None
    for value in _service_exec_starts(unit_text):
        command = value or None  # an empty ExecStart= clears the earlier ones
    if not command:
        raise DaemonConfigError('the docker unit has no ExecStart= in its [Service] section.')
    return _command_argv(command)


def systemd_dropins(directories, exclude=None):
    """The drop-in files systemd applies to the unit, in the order it applies them: every *.conf
    of the directories (an earlier directory masks a later one's file of the same name), sorted
    by file name. ``exclude`` (our own drop-in) is left out."""
    chosen = {}
    seen_dirs = set()
    for directory in directories:
        real = os.path.realpath(directory)
        if real in seen_dirs:  # /lib is /usr/lib on merged-/usr systems
            continue
        seen_dirs.add(real)
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if name.endswith('.conf') and name not in chosen:
                chosen[name] = os.path.join(directory, name)
    excluded = os.path.realpath(exclude) if exclude else None
    return [chosen[name] for name in sorted(chosen)
            if not (excluded and os.path.realpath(chosen[name]) == excluded)]


def effective_exec_start(unit_text, dropins):
    """(argv, source) of the ExecStart systemd would run: the unit's, then each drop-in's in order
    ((path, text) pairs), an empty ExecStart= clearing what came before. ``source`` is the path of
    the drop-in that set it, or None for the unit itself."""
    command, source = None, None
    for path, text in [(None, unit_text)] + list(dropins):
        for value in _service_exec_starts(text or ''):
            command, source = (value or None), path
    if not command:
        raise DaemonConfigError('the docker unit and its drop-ins (%s) leave no ExecStart= in [Service].'
                                % (', '.join(p for p, _t in dropins) or 'none'))
    return _command_argv(command), source


def socket_activated(texts):
    """Whether the unit (or a drop-in) pulls in docker.socket: then dockerd's local listener is
    fd:// (the socket systemd passes), not a socket dockerd creates itself."""
    for text in texts:
        for line in (text or '').splitlines():
            if re.match(r'^\s*(Requires|Wants|BindsTo|Sockets)\s*=.*\bdocker\.socket\b', line):
                return True
    return False


def has_local_host(argv):
    """Whether the command line names a listener other than TCP (fd://, unix://). One with no host
    flag at all listens on dockerd's default unix socket, but only until a TCP host is added."""
    index = 1
    while index < len(argv):
        flag, value, used = _split_flag(argv, index)
        index += used
        if flag in ('-H', '--host') and value is not None and not value.startswith('tcp://'):
            return True
    return False


def unit_without_exec_start(unit_text):
    """The unit with its ExecStart= lines (and their continuation lines) left out."""
    lines, entries = _exec_start_entries(unit_text)
    dropped = set()
    for start, end, _value in entries:
        dropped.update(range(start, end))
    return '\n'.join(line.rstrip() for number, line in enumerate(lines) if number not in dropped).strip()


def carries_tls_flags(argv):
    """Whether a command line carries a TCP host or TLS flags (ours; no vendor unit has them)."""
    return any(w.startswith(('--host=tcp://', '--tls')) for w in argv)


def with_exec_start_of(unit_text, source_text):
    """unit_text with its ExecStart= lines replaced by source_text's, as written there (mode unit: an
    admin's edit of our edited unit is kept in the saved original, with the vendor's command)."""
    lines, entries = _exec_start_entries(unit_text)
    source_lines, source_entries = _exec_start_entries(source_text)
    if not entries or not source_entries:
        raise DaemonConfigError('the docker unit has no ExecStart= to replace.')
    block = []
    for start, end, _value in source_entries:
        block.extend(source_lines[start:end])
    dropped = set()
    for start, end, _value in entries:
        dropped.update(range(start, end))
    out = []
    for number, line in enumerate(lines):
        if number == entries[0][0]:
            out.extend(block)
        if number not in dropped:
            out.append(line)
    return '\n'.join(out)


def unit_is_our_edit(unit_text, original_text):
    """Whether unit_text is original_text with at most its ExecStart changed to ours (mode unit).

    When it is not - a package upgrade (or an admin) replaced the unit - the saved original is
    stale: the current file is the vendor's unit now, and must be the base of the edit."""
    if unit_without_exec_start(unit_text) != unit_without_exec_start(original_text):
        return False
    try:
        argv = unit_exec_start(unit_text)
        if argv == unit_exec_start(original_text):
            return True
    except DaemonConfigError:
        return False
    # Only the ExecStart differs: ours carries a TCP host or TLS flags; a vendor's new one does not.
    return carries_tls_flags(argv)


def pem_certificate_der(pem_text):
    """The DER bytes of the first certificate in a PEM text, or None."""
    match = re.search(r'-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----', pem_text or '', re.S)
    if not match:
        return None
    try:
        return base64.b64decode(''.join(match.group(1).split()))
    except (TypeError, ValueError):
        return None


def fingerprint_sha256(der):
    """Colon-separated upper-case hex, as docker_tls_cert and docker_tls_pki return it."""
    return ':'.join('%02X' % b for b in bytearray(hashlib.sha256(der).digest()))


def probe_address(tcp_host):
    """(address, port) to reach a tcp://ADDRESS:PORT listener from the host itself."""
    match = re.match(r'^tcp://(\[[^\]]+\]|[^:]*):(\d+)$', tcp_host)
    if not match:
        return None
    address = match.group(1).strip('[]')
    if address in ('', '0.0.0.0'):
        address = '127.0.0.1'
    elif address == '::':
        address = '::1'
    return address, int(match.group(2))


def _split_flag(argv, index):
    """(flag, value, tokens used) for the flag at argv[index], handling --flag=value and --flag value."""
    token = argv[index]
    if re.match(r'^-[HG][^-]', token):  # -Hfd://, -Htcp://..., -Gdocker, -H=fd:// (pflag's short forms)
        value = token[2:]
        return token[:2], value[1:] if value.startswith('=') else value, 1
    if '=' in token and token.startswith('-'):
        flag, value = token.split('=', 1)
        return flag, value, 1
    takes_value = token in ('-H', '--host', '--tlscacert', '--tlscert', '--tlskey', '--containerd', '-G', '--group')
    if takes_value and index + 1 < len(argv):
        return token, argv[index + 1], 2
    return token, None, 1


def daemon_argv(vendor_argv, tcp_hosts, tls_verify=True, ca_cert=None, cert=None, key=None,
                local_host=DEFAULT_LOCAL_HOST):
    """The daemon's new command line: the effective ExecStart's binary and flags (fd:// and unix://
    hosts, --containerd, --data-root, $DOCKER_OPTS, ...) without any TCP host or TLS flag, then
    ours, all written as --flag=value, the form auditing tools (CIS checks) parse.

    A command line with no host flag listens on dockerd's default unix socket; adding a TCP host
    would end that, so ``local_host`` (fd:// for a socket-activated unit) is added with it."""
    if not vendor_argv:
        raise DaemonConfigError('the docker unit has an empty ExecStart.')
    if tcp_hosts and local_host and not has_local_host(vendor_argv):
        vendor_argv = list(vendor_argv) + ['--host=%s' % local_host]
    result = [vendor_argv[0]]
    index = 1
    while index < len(vendor_argv):
        flag, value, used = _split_flag(vendor_argv, index)
        index += used
        if flag in ('-H', '--host'):
            if value is not None and value.startswith('tcp://'):
                continue
            if '--host=%s' % value not in result:  # the same listener twice: dockerd would not start
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


def argv_hosts(argv):
    """The values of the host flags of a command line, in order."""
    hosts, index = [], 1
    while index < len(argv):
        flag, value, used = _split_flag(argv, index)
        index += used
        if flag in ('-H', '--host') and value is not None:
            hosts.append(value)
    return hosts


def foreign_flags(argv):
    """The command line without the flags this collection owns (every host flag and the TLS flags),
    in --flag=value form: what another drop-in, the unit or the admin decides (--data-root, ...)."""
    normal = daemon_argv(argv, [], tls_verify=False, local_host=None)
    return [normal[0]] + [w for w in normal[1:] if not w.startswith('--host=')]


def check_tcp_hosts(tcp_hosts, tls_verify, allow_plaintext):
    """Refuse plaintext TCP unless asked for on purpose, and then only on loopback."""
    for host in tcp_hosts:
        match = re.fullmatch(r'tcp://(\[[^\]\s\x00"\'$`\\]+\]|[^:\s\x00"\'$`\\]*):(\d+)', host)
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
    for number, word in enumerate(argv):
        prefix = ''
        if number == 0:  # systemd's prefixes (-, @, :, +, !) are written bare
            prefix, word = _PREFIX.match(word).groups()
        if re.match(r'^[A-Za-z0-9_@%+=:,./$-]+$', word) or re.match(r'^\$\{[A-Za-z_][A-Za-z0-9_]*\}$', word):
            out.append(prefix + word)
        else:
            out.append(prefix + '"%s"' % word.replace('\\', '\\\\').replace('"', '\\"'))
    return ' '.join(out)


def render_dropin(argv):
    return (MANAGED_HEADER +
            '# ExecStart= is cleared first: systemd would otherwise refuse a second ExecStart.\n'
            '[Service]\nExecStart=\nExecStart=%s\n' % quote_argv(argv))


def render_unit(unit_text, argv):
    """The vendor unit with its ExecStart replaced (continuation lines included)."""
    lines, entries = _exec_start_entries(unit_text)
    commands = [(start, end) for start, end, value in entries if value]
    if not commands:
        raise DaemonConfigError('the docker unit has no ExecStart= to replace.')
    dropped = set()
    for start, end in commands:
        dropped.update(range(start, end))
    out = []
    for number, line in enumerate(lines):
        if number == commands[0][0]:
            out.append('ExecStart=%s' % quote_argv(argv))
        if number not in dropped:
            out.append(line)
    return '\n'.join(out)


def unit_reads_envfile(unit_text, envfile_path, variable):
    """Whether the unit loads the environment file and passes the variable to dockerd."""
    loads = any(re.match(r'^\s*EnvironmentFile\s*=\s*-?%s\s*$' % re.escape(envfile_path), line)
                for line in unit_text.splitlines())
    passes = re.search(r'\$\{?%s\}?(\W|$)' % re.escape(variable), unit_text) is not None
    return loads and passes


ENVFILE_MARKER = '# Set by tprov.docker (role tprov.docker.daemon)'


def _continued(line):
    """Whether systemd continues this physical line onto the next: it ends in an odd number of
    backslashes (an even number is escaped backslashes). Not before the CR of a CRLF line: systemd ends
    the line at the CR, and the backslash escapes that."""
    return (len(line) - len(line.rstrip('\\'))) % 2 == 1


def envfile_lines(env_text):
    """The environment file's logical lines as (first, last, text): systemd continues a line that ends
    in a backslash onto the next one (Fedora's /etc/sysconfig/docker sets OPTIONS over several lines),
    and the backslash and line break go. The CR of a CRLF line ends it, as it does to systemd."""
    physical = (env_text or '').split('\n')
    logical, index = [], 0
    while index < len(physical):
        first, parts = index, []
        while _continued(physical[index]) and index + 1 < len(physical):
            parts.append(physical[index][:-1])
            index += 1
        parts.append(physical[index][:-1] if physical[index].endswith('\r') else physical[index])
        logical.append((first, index, ''.join(parts)))
        index += 1
    return logical


def _assigns(variable):
    """A logical line that sets ``variable`` (systemd allows white space around the =): group 1 is an
    ``export`` systemd does not take, group 2 the value as written."""
    return re.compile(r'^\s*(export\s+)?%s\s*=(.*)$' % re.escape(variable))


def render_envfile(env_text, variable, flags, path=None):
    """The environment file with ``VARIABLE="flags"`` set (other lines kept), marked as holding our
    flags so that leaving mode envfile takes out ours only. A value continued over several lines
    becomes one line with the same words. Each flag reads back as the same one word (envfile_words):
    quoted when it holds white space, a quote or a backslash, and escaped for the file's double quotes."""
    for flag in flags:
        if re.search(r'[\n\r\x00]', flag):
            where = path or 'The environment file'
            raise DaemonConfigError(
                '%s cannot hold %r in %s: an environment file has no way to write a line break or NUL inside a '
                'value. Fix the option it comes from (tcp_hosts, the TLS paths).' % (where, flag, variable),
                kind='invalid_option')
    # Only " and \\ need a backslash in the file's double quotes: $ and ` are plain there to systemd, and
    # leaving them so keeps a file an earlier release wrote as it is.
    line = '%s="%s"' % (variable, re.sub(r'["\\\\]', r'\\\g<0>', ' '.join(_word_token(w) for w in flags)))
    lines = (env_text or '').split('\n')
    marked = ENVFILE_MARKER in (env_text or '')
    assigns = _assigns(variable)
    out, done = [], False
    for first, last, current in envfile_lines(env_text):
        if assigns.match(current):
            if not done:
                if not marked:
                    out.append('%s: its host and TLS flags in %s.' % (ENVFILE_MARKER, variable))
                out.append(line)
                done = True
            continue
        out.extend(lines[first:last + 1])
    if not done:
        if out and out[-1] == '':
            out.pop()
        if out and _continued(out[-1]):
            out.append('')  # the last line goes on onto the next: not onto the marker
        out.extend(['%s.' % ENVFILE_MARKER, line, ''])
    text = '\n'.join(out)
    return text if text.endswith('\n') else text + '\n'


def envfile_flags(value, tcp_hosts, tls_verify=True, ca_cert=None, cert=None, key=None, extra_hosts=(),
                  local_host=None):
    """The variable's new value: the words it has (the operator's --dns, --data-root, ...) without a
    TCP host or TLS flag, then ``extra_hosts`` and ``local_host`` unless already there, then ours.
    The words are the ones dockerd gets from an unquoted $VARIABLE (envfile_words)."""
    base = ['dockerd'] + envfile_words(value) + ['--host=%s' % h for h in extra_hosts]
    if local_host and not has_local_host(base):
        base.append('--host=%s' % local_host)
    return daemon_argv(base, tcp_hosts, tls_verify=tls_verify, ca_cert=ca_cert, cert=cert, key=key,
                       local_host=None)[1:]


def envfile_value(env_text, variable, path=None):
    """The value the environment file gives the variable, as systemd reads it (continued lines joined),
    or None. Its words, as dockerd gets them: envfile_words. What this cannot read as systemd does is
    refused, naming the file (``path``) and the variable."""
    where = path or 'The environment file'
    if re.search(r'\r(?!\n)', env_text or ''):
        raise DaemonConfigError('%s has a carriage return inside a line, where systemd ends the line: give it LF line '
                                'endings.' % where, kind='invalid_configuration')
    value, assigns = None, _assigns(variable)
    for _first, _last, line in envfile_lines(env_text):
        match = assigns.match(line)
        if not match:
            continue
        if match.group(1):
            raise DaemonConfigError(
                '%s sets %s with "export", which systemd does not read (it skips the line): remove "export".'
                % (where, variable), kind='invalid_configuration')
        try:
            value = _env_file_value(match.group(2))
        except ValueError as exc:
            raise DaemonConfigError(
                '%s sets %s=%s, which cannot be read (%s): close its quotes on the same line (systemd goes on over '
                'the next lines until a quote closes; this role takes a value on one line, or continued with a '
                'backslash at the very end of a line%s).' % (
                    where, variable, match.group(2), exc,
                    '; with CRLF line endings, as here, a backslash before the CR continues nothing: give the file LF '
                    'line endings' if '\r\n' in env_text else ''),
                kind='invalid_configuration')
    return value


# How systemd reads an environment file and splits an unquoted $VARIABLE into words (src/basic/env-file.c,
# extract_first_word), as systemd 252 (Debian 12) was seen to do it with EnvironmentFile= and $VARIABLE on
# ExecStart= (tests/unit/plugins/module_utils/test_daemon_config.py lists the cases).
_ENV_WHITESPACE = ' \t\n\r'
# Inside a value's double quotes, a backslash escapes these; before any other character it stays.
_ENV_DOUBLE_QUOTED = '"\\`$'
# What makes a word need quotes to stay one word with the same characters (systemd's white space only).
_WORD_SPECIAL = re.compile(r'[ \t\n\r"\'\\]')


def _env_file_value(raw):
    """The value systemd gives ``VARIABLE=raw``. Before a part of the value (at the start, and after a
    closing quote) white space is skipped and a quote opens a quoted part: single quotes literal, double
    quotes with a backslash escaping only " \\ ` $. Anything else starts the plain rest, where a backslash
    takes the next character as it is (one at the very end goes), quotes are plain characters, and trailing
    white space goes. ValueError for a quote left open."""
    value, kept, index, before_part = [], 0, 0, True
    while index < len(raw):
        char = raw[index]
        index += 1
        if before_part and char in _ENV_WHITESPACE:
            continue
        if before_part and char in ('"', "'"):
            closed = False
            while index < len(raw):
                inner = raw[index]
                index += 1
                if inner == char:
                    closed = True
                    break
                if char == '"' and inner == '\\' and index < len(raw):
                    escaped = raw[index]
                    index += 1
                    value.append(escaped if escaped in _ENV_DOUBLE_QUOTED else inner + escaped)
                else:
                    value.append(inner)
            if not closed:
                raise ValueError('no closing quotation')
            kept = len(value)
            continue
        before_part = False
        if char == '\\':
            if index < len(raw):
                value.append(raw[index])
                index += 1
                kept = len(value)
            continue
        value.append(char)
        if char not in _ENV_WHITESPACE:
            kept = len(value)
    return ''.join(value[:kept])


def envfile_words(value):
    """The words dockerd gets from an unquoted $VARIABLE holding ``value``: systemd splits it at white
    space, removes quotes (single or double) and takes the character after a backslash as it is, inside
    quotes too; a quote left open runs to the end."""
    words, word, started, quote = [], [], False, None
    chars = iter(value or '')
    for char in chars:
        if char == '\\':
            word.append(next(chars, ''))  # a backslash at the very end goes
            started = True
        elif quote:
            if char == quote:
                quote = None
            else:
                word.append(char)
        elif char in ('"', "'"):
            quote, started = char, True
        elif char in _ENV_WHITESPACE:
            if started:
                words.append(''.join(word))
                word, started = [], False
        else:
            word.append(char)
            started = True
    if started:
        words.append(''.join(word))
    return words


def words_value(words):
    """A value of the environment file's variable that envfile_words reads back as ``words``."""
    return ' '.join(_word_token(word) for word in words)


def _word_token(word):
    """``word`` as envfile_words reads it back as itself: as it is, or in double quotes with \\ and " escaped."""
    if word and not _WORD_SPECIAL.search(word):
        return word
    return '"%s"' % word.replace('\\', '\\\\').replace('"', '\\"')


def daemon_json_conflicts(json_text, path):
    """The keys of daemon.json that clash with the flags this collection sets, as {key: value}."""
    data = _load_object(json_text, path)
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


# daemon.json keys dockerd applies on SIGHUP (daemon/reload.go: Reload, and reloadPlatform for the
# runtimes); every other key takes a restart.
RELOADABLE_KEYS = frozenset((
    'debug', 'labels', 'live-restore', 'max-concurrent-downloads', 'max-concurrent-uploads',
    'max-download-attempts', 'shutdown-timeout', 'features', 'insecure-registries', 'registry-mirrors',
    'allow-nondistributable-artifacts', 'network-diagnostic-port', 'runtimes', 'default-runtime',
))


# What GET /info says the running daemon uses, for the keys it shows: (read from info, compare the
# declared value by). Only keys whose value /info always reflects after a start or reload are here;
# the others (icc, userland-proxy, log-opts, ...) are judged by whether daemon.json changed. Not
# no-new-privileges: engines before 25 do not list it in SecurityOptions even when it is on.
SERVED_KEYS = {
    'live-restore': (lambda info: info.get('LiveRestoreEnabled'), bool),
    'debug': (lambda info: info.get('Debug'), bool),
    'log-driver': (lambda info: info.get('LoggingDriver'), str),
    # dockerd drops repeated labels (GetConflictFreeLabels): compared as sets.
    'labels': (lambda info: sorted(set(info.get('Labels') or [])), lambda value: sorted(set(value or []))),
}
# Not userns-remap: /info says only whether remapping is on (name=userns), not to which user.


def _load_object(json_text, path):
    if not json_text or not json_text.strip():
        return {}
    try:
        data = json.loads(json_text)
    except ValueError as exc:
        raise DaemonConfigError('%s is not valid JSON (%s); dockerd would not start with it. Fix or remove it.'
                                % (path, exc))
    if not isinstance(data, dict):
        raise DaemonConfigError('%s must hold a JSON object.' % path)
    return data


# The JSON type dockerd expects for common keys: a wrong one ("icc": "false") stops dockerd at its
# next start, which engines before 23 cannot check beforehand (no --validate).
_KEY_TYPES = dict(
    [(key, (bool, 'true or false')) for key in (
        'live-restore', 'icc', 'no-new-privileges', 'userland-proxy', 'debug', 'iptables', 'ip6tables', 'ip-forward',
        'ip-masq', 'ipv6', 'experimental', 'selinux-enabled', 'init')]
    + [(key, (int, 'a number')) for key in (
        'max-concurrent-downloads', 'max-concurrent-uploads', 'max-download-attempts', 'shutdown-timeout', 'mtu')]
    + [(key, (str, 'a string')) for key in (
        'log-driver', 'log-level', 'userns-remap', 'data-root', 'storage-driver', 'default-runtime', 'bip')]
    + [(key, (dict, 'a mapping')) for key in ('log-opts', 'runtimes', 'proxies', 'default-ulimits', 'features')]
    + [(key, (list, 'a list')) for key in (
        'labels', 'registry-mirrors', 'insecure-registries', 'dns', 'dns-search', 'dns-opts', 'exec-opts',
        'storage-opts', 'authorization-plugins', 'default-address-pools')])
# Log drivers that take json-file's max-size / max-file options (other drivers refuse them at start).
_ROTATING_LOG_DRIVERS = ('json-file', 'local')


def check_daemon_options(options, option='daemon_options'):
    """Refuse keys this collection passes as flags (dockerd will not start with a setting in both places)
    and values of the wrong JSON type for keys whose type is known."""
    clash = sorted(key for key in options or {} if key in DAEMON_JSON_FLAG_KEYS)
    if clash:
        raise DaemonConfigError(
            '%s (role: %s) sets %s, which are passed as flags (%s); dockerd refuses to start with a setting in '
            'both places. Remove the key(s): the listener is docker_daemon_tls_address / docker_daemon_tls_port '
            'and the certificates come from the pki role.'
            % (option, _ROLE_VARIABLES[option], ', '.join(clash), ', '.join(DAEMON_JSON_FLAG_KEYS[k] for k in clash)),
            kind='invalid_option')
    for key, value in sorted((options or {}).items()):
        expected = _KEY_TYPES.get(key)
        if value is None or expected is None:
            continue
        python_type, words = expected
        if not isinstance(value, python_type) or (python_type is int and isinstance(value, bool)):
            raise DaemonConfigError(
                '%s (role: %s): "%s" must be %s, not %s; dockerd would not start with it.'
                % (option, _ROLE_VARIABLES[option], key, words, json.dumps(value)), kind='invalid_option')


# The daemon role's variable behind each module option, for messages a role user can act on.
_ROLE_VARIABLES = {'daemon_options': 'docker_daemon_options', 'daemon_default_options': 'docker_daemon_hardened_options'}


# daemon.json keys whose command-line flag is not --KEY (dockerd's flag names; plural keys take the
# flag once per value). A key given both ways makes dockerd refuse to start.
_FLAG_NAMES = {
    'debug': ('--debug', '-D'), 'log-level': ('--log-level', '-l'), 'group': ('--group', '-G'),
    'hosts': ('--host', '-H'), 'labels': ('--label',), 'log-opts': ('--log-opt',),
    'registry-mirrors': ('--registry-mirror',), 'insecure-registries': ('--insecure-registry',),
    'storage-opts': ('--storage-opt',), 'exec-opts': ('--exec-opt',), 'default-ulimits': ('--default-ulimit',),
    'runtimes': ('--add-runtime',), 'authorization-plugins': ('--authorization-plugin',),
    'dns-opts': ('--dns-opt',), 'dns-search': ('--dns-search',), 'dns': ('--dns',),
}


def command_line_keys(argv):
    """{daemon.json key: the flag word} for the settings a dockerd command line gives as flags."""
    found = {}
    for word in argv or []:
        if not word.startswith('-'):
            continue
        name = word.split('=', 1)[0]
        for key, flags in _FLAG_NAMES.items():
            if name in flags or (name[:2] in flags and not name.startswith('--')):
                found.setdefault(key, word)
                break
        else:
            if name.startswith('--'):
                found.setdefault(name[2:], word)
    return found


def flag_value(argv, flags):
    """The value dockerd takes for a flag that takes one, spelled as one of ``flags`` (('--config-file',)): the last
    one given, as --flag=value or as --flag value (dockerd's flag parser takes the next word as the value, whatever
    it is), else None - also for a flag that ends the command line."""
    value, words = None, list(argv or [])
    for index, word in enumerate(words):
        name, equals, given = word.partition('=')
        if name not in flags:
            continue
        if equals:
            value = given
        elif index + 1 < len(words):
            value = words[index + 1]
    return value


def with_variable_words(argv, variable, value):
    """``argv`` as systemd passes it to dockerd when the variable holds ``value`` (the environment file's raw value):
    a word that is $VARIABLE becomes the value's words (split at white space), one that is ${VARIABLE} the value as
    one argument. A variable inside a longer word is left as it is."""
    result = []
    for word in argv or []:
        if word == '$' + variable:
            result.extend(envfile_words(value))
        elif word == '${%s}' % variable:
            result.append(value or '')
        else:
            result.append(word)
    return result


def environment_from_file(texts, envfile_path, variable):
    """Whether systemd takes the variable from ``envfile_path`` alone, reading the unit and its drop-ins (``texts``,
    in their order): that file is the last one EnvironmentFile= lists (an empty EnvironmentFile= empties the list)
    and no Environment= sets the variable. Otherwise its value cannot be told from that file."""
    files, assigned = [], False
    for text in texts:
        for _start, _end, section, logical in _directives(text or '')[1]:
            if section != 'Service':
                continue
            key, _sep, value = logical.partition('=')
            key, value = key.strip(), value.strip()
            if key == 'EnvironmentFile':
                files = files + [value[1:] if value.startswith('-') else value] if value else []
            elif key == 'Environment' and re.search(r'(^|[\s"\'])%s=' % re.escape(variable), value):
                assigned = True
    return bool(files) and files[-1] == envfile_path and not assigned


def _flag_is_false(word):
    return word.split('=', 1)[1:] == ['false']


def _log_driver(options, defaults, data, command_line):
    """The log driver dockerd will run with: a declared one, the command line's, the file's, the default's."""
    if options.get('log-driver'):
        return options['log-driver']
    if 'log-driver' in command_line:
        return command_line['log-driver'].split('=', 1)[-1] if '=' in command_line['log-driver'] else 'set by a flag'
    return data.get('log-driver') or (defaults or {}).get('log-driver') or 'json-file'


def merge_daemon_options(json_text, path, options, defaults, command_line=None, swarm=False):
    """daemon.json with the declared keys set: (text, wanted, kept).

    ``options`` always win; ``defaults`` (the role's hardened settings) apply only where nothing else
    decides the key already: not over a value the file has (an administrator's log-driver journald),
    not over a flag of the daemon's command line (``command_line``: :func:`command_line_keys`), not
    where dockerd would refuse or break with it (icc false or userland-proxy false with iptables off;
    live-restore on a swarm node). ``kept`` maps each default not applied to why. A key whose value is
    None in either is not managed. ``options`` naming a key the command line sets are refused. ``wanted``
    is every key this call manages with the value it ends up with. The text is the input unchanged when
    nothing differs (no rewrite of an admin's formatting)."""
    check_daemon_options(options, 'daemon_options')
    check_daemon_options(defaults, 'daemon_default_options')
    options, command_line = options or {}, command_line or {}
    data = _load_object(json_text, path)
    on_both = sorted(key for key, value in options.items() if value is not None and key in command_line)
    if on_both:
        raise DaemonConfigError(
            'daemon_options (role: docker_daemon_options) sets %s, which the daemon\'s command line sets too (%s); '
            'dockerd refuses to start with a setting both as a flag and in daemon.json. Remove it from one place.'
            % (', '.join(on_both), ' '.join(command_line[k] for k in on_both)), kind='invalid_option')
    iptables_off = ((options.get('iptables') is False) or ('iptables' not in options and data.get('iptables') is False)
                    or _flag_is_false(command_line.get('iptables', '')))
    wanted, kept = {}, {}
    for key, value in (defaults or {}).items():
        if value is None or key in options:
            continue
        if key in command_line:
            kept[key] = 'the command line sets %s' % command_line[key]
        elif key in data and data[key] != value:
            kept[key] = '%s sets %s' % (path, json.dumps(data[key]))
            wanted[key] = data[key]
        elif key in ('icc', 'userland-proxy') and value is False and iptables_off and data.get(key) != value:
            kept[key] = 'iptables is off (dockerd refuses icc false without it; userland-proxy false would leave ' \
                        'published ports unreachable)'
        elif key == 'live-restore' and value and swarm and data.get(key) != value:
            kept[key] = 'this node is in a swarm (dockerd refuses live-restore there)'
        elif key == 'log-opts' and _log_driver(options, defaults, data, command_line) not in _ROTATING_LOG_DRIVERS:
            kept[key] = 'the log driver is %s, which takes no max-size / max-file' % _log_driver(
                options, defaults, data, command_line)
        else:
            wanted[key] = value
    for key, value in options.items():
        if value is not None:
            wanted[key] = value
    merged = dict(data)
    merged.update(wanted)
    if merged == data:
        return json_text, wanted, kept
    return json.dumps(merged, indent=2, sort_keys=False) + '\n', wanted, kept


def changed_keys(old_text, new_text, path):
    """The daemon.json keys whose value differs between two texts (added, removed or changed)."""
    old, new = _load_object(old_text, path), _load_object(new_text, path)
    return sorted(key for key in set(old) | set(new) if old.get(key, _MISSING) != new.get(key, _MISSING))


_MISSING = object()


def served_differences(wanted, info):
    """The wanted keys whose value the running daemon (GET /info) shows otherwise, as {key: served}."""
    differences = {}
    for key, value in sorted((wanted or {}).items()):
        if key not in SERVED_KEYS:
            continue
        read, normalise = SERVED_KEYS[key]
        served = read(info)
        if served is None:
            continue
        if normalise(served) != normalise(value):
            differences[key] = served
    return differences


def apply_action(file_keys, served_keys, daemon_files_changed):
    """'restart', 'reload' or None: what makes the daemon run the declared configuration.

    ``file_keys``: daemon.json keys this run changes; ``served_keys``: keys the running daemon shows
    with another value than declared (written by an earlier run that did not restart, or edited by
    hand); ``daemon_files_changed``: the unit, drop-in or environment file changed (flags: a restart)."""
    keys = set(file_keys) | set(served_keys)
    if daemon_files_changed or keys - RELOADABLE_KEYS:
        return 'restart'
    return 'reload' if keys else None
