"""How dockerd is started: unit parsing, the new command line, rendered files, daemon.json clashes."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import daemon_config as dc

DEBIAN_UNIT = """[Unit]
Description=Docker Application Container Engine

[Service]
Type=notify
EnvironmentFile=-/etc/default/docker
ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS
ExecReload=/bin/kill -s HUP $MAINPID

[Install]
WantedBy=multi-user.target
"""

# Docker's own docker-ce unit, as on the Red Hat family: no EnvironmentFile, a continuation line.
DOCKER_CE_UNIT = """[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// \\
    --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
"""

TLS = dict(ca_cert='/etc/docker/tls/ca.pem', cert='/etc/docker/tls/server-cert.pem',
           key='/etc/docker/tls/server-key.pem')


def test_exec_start_of_both_families():
    assert dc.unit_exec_start(DEBIAN_UNIT) == [
        '/usr/sbin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock', '$DOCKER_OPTS']
    assert dc.unit_exec_start(DOCKER_CE_UNIT) == [
        '/usr/bin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock']


def test_exec_start_cleared_and_missing():
    assert dc.unit_exec_start('[Service]\nExecStart=/a\nExecStart=\nExecStart=/b -x\n') == ['/b', '-x']
    with pytest.raises(dc.DaemonConfigError):
        dc.unit_exec_start('[Unit]\nExecStart=/not/in/service\n')


def test_new_command_line_keeps_vendor_flags_drops_old_tcp_and_tls_in_flag_value_form():
    vendor = ['/usr/sbin/dockerd', '-H', 'fd://', '-H', 'tcp://0.0.0.0:2375', '--tlsverify', '--tlscert', '/old.pem',
              '--containerd=/run/containerd/containerd.sock', '$DOCKER_OPTS']
    assert dc.daemon_argv(vendor, ['tcp://0.0.0.0:2376'], **TLS) == [
        '/usr/sbin/dockerd', '--host=fd://', '--containerd=/run/containerd/containerd.sock', '$DOCKER_OPTS',
        '--host=tcp://0.0.0.0:2376', '--tlsverify', '--tlscacert=/etc/docker/tls/ca.pem',
        '--tlscert=/etc/docker/tls/server-cert.pem', '--tlskey=/etc/docker/tls/server-key.pem']


def test_command_line_is_stable_when_applied_to_its_own_output():
    once = dc.daemon_argv(dc.unit_exec_start(DEBIAN_UNIT), ['tcp://0.0.0.0:2376'], **TLS)
    assert dc.daemon_argv(once, ['tcp://0.0.0.0:2376'], **TLS) == once


@pytest.mark.parametrize('hosts,verify,allow,needle', [
    (['tcp://0.0.0.0:2375'], False, False, 'without TLS would give root'),
    (['tcp://0.0.0.0:2375'], False, True, 'loopback address only'),
    (['tcp://192.0.2.1:2375'], False, True, 'loopback address only'),
    (['0.0.0.0:2376'], True, False, 'is not tcp://ADDRESS:PORT'),
])
def test_plaintext_tcp_is_refused(hosts, verify, allow, needle):
    with pytest.raises(dc.DaemonConfigError) as info:
        dc.check_tcp_hosts(hosts, verify, allow)
    assert needle in str(info.value)


def test_plaintext_on_loopback_when_asked_and_tls_anywhere():
    dc.check_tcp_hosts(['tcp://127.0.0.1:2375', 'tcp://[::1]:2375'], False, True)
    dc.check_tcp_hosts(['tcp://0.0.0.0:2376', 'tcp://:2376'], True, False)


def test_dropin_clears_exec_start_first():
    text = dc.render_dropin(['/usr/bin/dockerd', '--host=fd://', '--label=a b'])
    assert text.splitlines()[-3:] == ['[Service]', 'ExecStart=', 'ExecStart=/usr/bin/dockerd --host=fd:// "--label=a b"']
    assert text.startswith('# Managed by tprov.docker')


def test_unit_edit_replaces_continued_exec_start_only():
    argv = dc.daemon_argv(dc.unit_exec_start(DOCKER_CE_UNIT), ['tcp://0.0.0.0:2376'], **TLS)
    edited = dc.render_unit(DOCKER_CE_UNIT, argv)
    assert '    --containerd' not in edited  # the continuation line went with the old ExecStart
    assert dc.unit_exec_start(edited) == argv
    assert 'ExecReload=/bin/kill -s HUP $MAINPID' in edited


def test_envfile_for_both_families():
    assert dc.unit_reads_envfile(DEBIAN_UNIT, '/etc/default/docker', 'DOCKER_OPTS')
    assert not dc.unit_reads_envfile(DOCKER_CE_UNIT, '/etc/sysconfig/docker', 'OPTIONS')
    text = dc.render_envfile('# comment\nDOCKER_OPTS="--debug"\nOTHER=1\n', 'DOCKER_OPTS', ['--tlsverify'])
    assert text == ('# comment\n# Set by tprov.docker (role tprov.docker.daemon): its host and TLS flags in '
                    'DOCKER_OPTS.\nDOCKER_OPTS="--tlsverify"\nOTHER=1\n')
    assert dc.render_envfile(text, 'DOCKER_OPTS', ['--tlsverify']) == text  # marked once
    fresh = dc.render_envfile(None, 'OPTIONS', ['--host=tcp://0.0.0.0:2376'])
    assert fresh.endswith('OPTIONS="--host=tcp://0.0.0.0:2376"\n')
    assert dc.envfile_value(fresh, 'OPTIONS') == '--host=tcp://0.0.0.0:2376'


def test_daemon_json_conflicts_and_move():
    text = '{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"], "tlsverify": true, "log-level": "warn"}'
    conflicts = dc.daemon_json_conflicts(text, '/etc/docker/daemon.json')
    assert sorted(conflicts) == ['hosts', 'tlsverify']
    assert dc.without_conflicts(text, conflicts) == '{\n  "log-level": "warn"\n}\n'
    assert dc.carried_hosts(conflicts) == ['unix:///var/run/docker.sock']
    assert dc.daemon_json_conflicts('', 'x') == {}
    with pytest.raises(dc.DaemonConfigError) as info:
        dc.daemon_json_conflicts('{"hosts": [', '/etc/docker/daemon.json')
    assert '/etc/docker/daemon.json is not valid JSON' in str(info.value)


# An admin's drop-in that moves the data root (issue 13, item 8): systemd runs its ExecStart.
OVERRIDE_DROPIN = """[Service]
ExecStart=
ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --data-root=/srv/docker \\
    --iptables=false
"""


def test_effective_exec_start_is_the_last_dropin_that_sets_one():
    argv, source = dc.effective_exec_start(DEBIAN_UNIT, [('/etc/x/override.conf', OVERRIDE_DROPIN),
                                                         ('/etc/x/limits.conf', '[Service]\nLimitNOFILE=1\n')])
    assert source == '/etc/x/override.conf'
    assert '--data-root=/srv/docker' in argv and '--iptables=false' in argv
    assert dc.effective_exec_start(DEBIAN_UNIT, [])[1] is None
    with pytest.raises(dc.DaemonConfigError):
        dc.effective_exec_start(DEBIAN_UNIT, [('/etc/x/clear.conf', '[Service]\nExecStart=\n')])


def test_new_command_line_keeps_every_flag_of_other_dropins():
    argv, _source = dc.effective_exec_start(DEBIAN_UNIT, [('/etc/x/override.conf', OVERRIDE_DROPIN)])
    new = dc.daemon_argv(argv, ['tcp://0.0.0.0:2376'], **TLS)
    assert new[:5] == ['/usr/sbin/dockerd', '--host=fd://', '--containerd=/run/containerd/containerd.sock',
                       '--data-root=/srv/docker', '--iptables=false']
    rendered = dc.render_dropin(new)
    assert '--data-root=/srv/docker --iptables=false --host=tcp://0.0.0.0:2376' in rendered


def test_systemd_dropins_order_masking_and_own_file_left_out(tmp_path):
    etc, run, lib = (tmp_path / 'etc', tmp_path / 'run', tmp_path / 'lib')
    for directory, names in ((etc, ['50-b.conf', 'tprov-docker.conf', 'notes.txt']),
                             (run, ['50-b.conf', '10-a.conf']), (lib, ['90-z.conf'])):
        directory.mkdir()
        for name in names:
            (directory / name).write_text('[Service]\n')
    found = dc.systemd_dropins([str(etc), str(run), str(tmp_path / 'missing'), str(lib)],
                               exclude=str(etc / 'tprov-docker.conf'))
    # By file name across directories; /etc's 50-b.conf masks /run's.
    assert found == [str(run / '10-a.conf'), str(etc / '50-b.conf'), str(lib / '90-z.conf')]


def test_a_unit_without_host_keeps_a_local_listener():
    bare = ['/usr/bin/dockerd', '--containerd=/run/containerd/containerd.sock']
    new = dc.daemon_argv(bare, ['tcp://0.0.0.0:2376'], **TLS)
    assert '--host=unix:///var/run/docker.sock' in new and '--host=tcp://0.0.0.0:2376' in new
    assert '--host=fd://' in dc.daemon_argv(bare, ['tcp://0.0.0.0:2376'], local_host='fd://', **TLS)
    # Nothing added when the unit has its own local listener, or when no TCP host is added.
    assert dc.daemon_argv(['/d', '-H', 'unix:///run/d.sock'], ['tcp://0.0.0.0:2376'], **TLS).count(
        '--host=unix:///var/run/docker.sock') == 0
    assert dc.daemon_argv(bare, [], tls_verify=False) == bare
    # Applied to its own output, the local listener is not added twice.
    assert dc.daemon_argv(new, ['tcp://0.0.0.0:2376'], **TLS) == new


def test_socket_activation_is_read_from_the_unit_and_dropins():
    assert dc.socket_activated(['[Unit]\nRequires=docker.socket containerd.service\n'])
    assert dc.socket_activated(['[Unit]\n', '[Unit]\nBindsTo=docker.socket\n'])
    assert not dc.socket_activated(['[Unit]\nAfter=network-online.target docker.socket\n'])


def test_saved_original_is_stale_once_the_vendor_unit_changed():
    ours = dc.render_unit(DEBIAN_UNIT, dc.daemon_argv(dc.unit_exec_start(DEBIAN_UNIT), ['tcp://0.0.0.0:2376'], **TLS))
    assert dc.unit_is_our_edit(ours, DEBIAN_UNIT)
    assert dc.unit_is_our_edit(DEBIAN_UNIT, DEBIAN_UNIT)
    upgraded = DEBIAN_UNIT.replace('Type=notify', 'Type=notify\nLimitNOFILE=infinity')
    assert not dc.unit_is_our_edit(upgraded, DEBIAN_UNIT)
    # An upgrade that changed only the ExecStart: the new one has no TCP or TLS flag of ours.
    new_exec = DEBIAN_UNIT.replace('$DOCKER_OPTS', '--log-driver=journald $DOCKER_OPTS')
    assert not dc.unit_is_our_edit(new_exec, DEBIAN_UNIT)


def test_certificate_fingerprint_from_pem():
    import base64
    import hashlib
    der = b'\x30\x03\x02\x01\x01'
    pem = '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' % base64.b64encode(der).decode()
    assert dc.pem_certificate_der(pem) == der
    assert dc.fingerprint_sha256(der) == ':'.join('%02X' % b for b in hashlib.sha256(der).digest())
    assert dc.pem_certificate_der('no certificate') is None
    assert dc.probe_address('tcp://0.0.0.0:2376') == ('127.0.0.1', 2376)
    assert dc.probe_address('tcp://[::]:2376') == ('::1', 2376)
    assert dc.probe_address('tcp://192.0.2.1:2376') == ('192.0.2.1', 2376)


def test_compact_short_host_and_group_flags_are_recognised():
    vendor = ['/usr/bin/dockerd', '-Hfd://', '-Htcp://0.0.0.0:2375', '-Gdocker', '--containerd=/c.sock']
    new = dc.daemon_argv(vendor, ['tcp://0.0.0.0:2376'], **TLS)
    assert new[:4] == ['/usr/bin/dockerd', '--host=fd://', '-G=docker', '--containerd=/c.sock'], new
    assert new.count('--host=fd://') == 1 and not [w for w in new if '2375' in w]
    assert dc.argv_hosts(['/d', '-H=unix:///x.sock', '-Hfd://']) == ['unix:///x.sock', 'fd://']


def test_exec_start_parsed_as_systemd_reads_it():
    # A comment line inside a continuation is skipped, not part of the command.
    continued = '[Service]\nExecStart=/usr/bin/dockerd -H fd:// \\\n# --debug\n   --data-root=/srv/docker\n'
    assert dc.unit_exec_start(continued) == ['/usr/bin/dockerd', '-H', 'fd://', '--data-root=/srv/docker']
    assert 'data-root' not in dc.unit_without_exec_start(continued)
    # Spaces around '=' are allowed; keys are case-sensitive (systemd ignores execstart=).
    assert dc.unit_exec_start('[Service]\nExecStart = /usr/bin/dockerd -H fd://\n') == [
        '/usr/bin/dockerd', '-H', 'fd://']
    assert not dc.sets_exec_start('[Service]\nexecstart=/usr/bin/dockerd\n')
    with pytest.raises(dc.DaemonConfigError) as info:
        dc.unit_exec_start('[Service]\nExecStart=/usr/bin/dockerd "--label=a\n')
    assert 'cannot split' in str(info.value)


@pytest.mark.parametrize('prefix', ['-', '@', ':', '+', '!', '!!', '-@'])
def test_exec_start_prefixes_are_kept_and_written_back(prefix):
    argv0 = ' dockerd' if '@' in prefix else ''
    unit = '[Service]\nExecStart=%s/usr/bin/dockerd%s -H fd://\n' % (prefix, argv0)
    argv = dc.unit_exec_start(unit)
    assert argv[0] == prefix + '/usr/bin/dockerd'
    new = dc.daemon_argv(argv, ['tcp://0.0.0.0:2376'], **TLS)
    line = dc.render_dropin(new).splitlines()[-1]
    assert line.startswith('ExecStart=%s/usr/bin/dockerd%s --host=fd:// --host=tcp://' % (prefix, argv0)), line
    assert dc.unit_exec_start(dc.render_unit(unit, new)) == new


def test_braced_variables_stay_bare_for_systemd_to_split():
    assert dc.quote_argv(['/d', '${OPTS}', '$OPTS', 'a b']) == '/d ${OPTS} $OPTS "a b"'


def test_admin_edit_of_our_unit_is_rebased_on_the_vendor_command():
    ours = dc.render_unit(DOCKER_CE_UNIT, dc.daemon_argv(dc.unit_exec_start(DOCKER_CE_UNIT), ['tcp://0.0.0.0:2376'],
                                                         **TLS))
    edited = ours.replace('Type=notify', 'Type=notify\nLimitNOFILE=1048576')
    assert dc.carries_tls_flags(dc.unit_exec_start(edited))
    rebased = dc.with_exec_start_of(edited, DOCKER_CE_UNIT)
    assert rebased == DOCKER_CE_UNIT.replace('Type=notify', 'Type=notify\nLimitNOFILE=1048576')
    assert dc.unit_is_our_edit(edited, rebased)


def test_envfile_flags_merge_into_the_operators_value():
    value = '--dns 10.0.0.2 --data-root=/srv/docker -H tcp://0.0.0.0:2375 --tlsverify'
    flags = dc.envfile_flags(value, ['tcp://0.0.0.0:2376'], **TLS)
    assert flags[:4] == ['--dns', '10.0.0.2', '--data-root=/srv/docker', '--host=tcp://0.0.0.0:2376']
    assert dc.envfile_flags(' '.join(flags), ['tcp://0.0.0.0:2376'], **TLS) == flags
    assert dc.foreign_flags(['dockerd'] + flags) == ['dockerd', '--dns', '10.0.0.2', '--data-root=/srv/docker']


# Fedora's moby-engine ships /etc/sysconfig/docker with OPTIONS continued over several lines
# (systemd joins a line ending in a backslash with the next one).
FEDORA_SYSCONFIG = '''# /etc/sysconfig/docker

# Modify these options if you want to change the way the docker daemon runs
OPTIONS="--selinux-enabled \\
  --log-driver=journald \\
  --live-restore \\
  --default-ulimit nofile=1024:1024 \\
"
OTHER=1
'''


def test_envfile_value_continued_over_several_lines():
    assert dc.envfile_value(FEDORA_SYSCONFIG, 'OPTIONS').split() == [
        '--selinux-enabled', '--log-driver=journald', '--live-restore', '--default-ulimit', 'nofile=1024:1024']
    assert dc.envfile_value(FEDORA_SYSCONFIG, 'OTHER') == '1'


def test_render_envfile_replaces_every_line_of_a_continued_value():
    words = dc.envfile_value(FEDORA_SYSCONFIG, 'OPTIONS').split()
    text = dc.render_envfile(FEDORA_SYSCONFIG, 'OPTIONS', words + ['--tlsverify'])
    assert text == (
        '# /etc/sysconfig/docker\n\n# Modify these options if you want to change the way the docker daemon runs\n'
        '# Set by tprov.docker (role tprov.docker.daemon): its host and TLS flags in OPTIONS.\n'
        'OPTIONS="--selinux-enabled --log-driver=journald --live-restore --default-ulimit nofile=1024:1024 '
        '--tlsverify"\nOTHER=1\n')
    assert dc.envfile_value(text, 'OPTIONS').split() == words + ['--tlsverify']


def test_envfile_value_with_unclosed_quotes_is_refused_by_name():
    with pytest.raises(dc.DaemonConfigError, match='OPTIONS=.*close its quotes'):
        dc.envfile_value('OPTIONS="--debug\n', 'OPTIONS')


@pytest.mark.parametrize('text', [
    'OPTIONS=--selinux-enabled --log-driver=journald\n',
    'OPTIONS=--selinux-enabled \\\n  --log-driver=journald\nDOCKER_CERT_PATH=/etc/docker\n',
    "OPTIONS='--selinux-enabled --log-driver=journald'\n",
])
def test_an_unquoted_or_quoted_value_keeps_every_word(text):
    # systemd gives an unquoted value its whole text: the first word alone dropped the operator's flags.
    assert dc.envfile_value(text, 'OPTIONS').split() == ['--selinux-enabled', '--log-driver=journald']
    rendered = dc.render_envfile(text, 'OPTIONS', dc.envfile_flags(dc.envfile_value(text, 'OPTIONS'),
                                                                   ['tcp://0.0.0.0:2376'], **TLS))
    assert '--log-driver=journald' in rendered and rendered.count('OPTIONS=') == 1
    if 'DOCKER_CERT_PATH' in text:
        assert 'DOCKER_CERT_PATH=/etc/docker\n' in rendered


def test_an_escaped_backslash_ends_the_line_and_crlf_is_a_line_break():
    text = 'OPTIONS=--label=x=\\\\\nDOCKER_TMPDIR=/srv/tmp\n'
    assert dc.envfile_value(text, 'DOCKER_TMPDIR') == '/srv/tmp'
    assert 'DOCKER_TMPDIR=/srv/tmp' in dc.render_envfile(text, 'OPTIONS', ['--tlsverify'])
    crlf = 'OPTIONS="--selinux-enabled --log-driver=journald"\r\nOTHER=1\r\n'
    assert dc.envfile_words(dc.envfile_value(crlf, 'OPTIONS')) == ['--selinux-enabled', '--log-driver=journald']
    assert dc.envfile_value(crlf, 'OTHER') == '1'


def test_a_backslash_before_a_crlf_line_end_continues_nothing():
    """systemd ends the line at the CR (the backslash escapes it): an unquoted value stops there, and the next
    line is a line of its own (systemd 252: OPTIONS gives ['--selinux-enabled']); a quote opened there is not
    closed on its line and refused (systemd reads on and gives dockerd a CR as a word)."""
    unquoted = 'OPTIONS=--selinux-enabled \\\r\n  --log-driver=journald\r\nOTHER=1\r\n'
    assert dc.envfile_words(dc.envfile_value(unquoted, 'OPTIONS')) == ['--selinux-enabled']
    rendered = dc.render_envfile(unquoted, 'OPTIONS', ['--selinux-enabled', '--tlsverify'])
    assert '  --log-driver=journald\r\nOTHER=1\r\n' in rendered
    quoted = 'OPTIONS="--selinux-enabled \\\r\n  --log-driver=journald"\r\nOTHER=1\r\n'
    with pytest.raises(dc.DaemonConfigError, match='/etc/sysconfig/docker sets OPTIONS=.*close its quotes on the same line'):
        dc.envfile_value(quoted, 'OPTIONS', '/etc/sysconfig/docker')
    with pytest.raises(dc.DaemonConfigError, match='with CRLF line endings, as here'):
        dc.envfile_value(quoted, 'OPTIONS')


# What systemd 252 (Debian 12) made of each line, seen with EnvironmentFile= and an ExecStart= passing
# $DOCKER_OPTS unquoted (systemd-run --pipe -p EnvironmentFile=FILE python3 -c 'print argv' '$DOCKER_OPTS'):
# (line, the variable's value, the words dockerd gets).
SYSTEMD_SEEN = [
    (r'DOCKER_OPTS="--debug --label=a=\"q\""', '--debug --label=a="q"', ['--debug', '--label=a=q']),
    (r'DOCKER_OPTS="--label=a=\$b --label=c=$d"', '--label=a=$b --label=c=$d', ['--label=a=$b', '--label=c=$d']),
    (r'DOCKER_OPTS="--label=a=\\b --label=e=\x"', r'--label=a=\b --label=e=\x', ['--label=a=b', '--label=e=x']),
    (r'DOCKER_OPTS="--label=back=\`x\` --label=raw=`y`"', '--label=back=`x` --label=raw=`y`',
     ['--label=back=`x`', '--label=raw=`y`']),
    (r"""DOCKER_OPTS='--label=s=\$z --label=t=\"u\"'""", r'--label=s=\$z --label=t=\"u\"',
     ['--label=s=$z', '--label=t="u"']),
    (r'DOCKER_OPTS=--label=a\ b --debug', '--label=a b --debug', ['--label=a', 'b', '--debug']),
    (r'DOCKER_OPTS=--label=x\$y --label=\"w\"', '--label=x$y --label="w"', ['--label=x$y', '--label=w']),
    (r"""DOCKER_OPTS="--label=a"b"c" --x'y z'""", """--label=ab"c" --x'y z'""", ['--label=abc', '--xy z']),
    ('DOCKER_OPTS=  --debug   --tls  ', '--debug   --tls', ['--debug', '--tls']),
    ('DOCKER_OPTS="--debug \\\n --tls"', '--debug  --tls', ['--debug', '--tls']),
    (r'DOCKER_OPTS="--label=a=\"q r\""', '--label=a="q r"', ['--label=a=q r']),
    (r"""DOCKER_OPTS='a"x\yz"b c'""", r'a"x\yz"b c', ['axyzb', 'c']),
    (r"""DOCKER_OPTS='a"x\"y"b'""", r'a"x\"y"b', ['ax"yb']),
    (r"""DOCKER_OPTS='s"x\\y"t u\\v'""", r's"x\\y"t u\\v', ['sx\\yt', 'u\\v']),
    ("DOCKER_OPTS='tab\tsep  x'", 'tab\tsep  x', ['tab', 'sep', 'x']),
    ("""DOCKER_OPTS='e"" f'""", 'e"" f', ['e', 'f']),
    ("""DOCKER_OPTS='k"a b'""", 'k"a b', ['ka b']),
    # After a closing quote white space is skipped and a quote opens again; anything else runs to the end.
    ('DOCKER_OPTS="a" "b" c "d"', 'abc "d"', ['abc', 'd']),
    ('DOCKER_OPTS="--dns 8.8.8.8" # google', '--dns 8.8.8.8# google', ['--dns', '8.8.8.8#', 'google']),
    ("DOCKER_OPTS='--a' '--b'", '--a--b', ['--a--b']),
    ('DOCKER_OPTS=  "x"  y  ', 'xy', ['xy']),
    # White space around the = (systemd trims it); a backslash at the very end goes.
    ('DOCKER_OPTS = "--dns 1.1.1.1"', '--dns 1.1.1.1', ['--dns', '1.1.1.1']),
    ('DOCKER_OPTS="--label=a\\\\"', '--label=a\\', ['--label=a']),
]


@pytest.mark.parametrize('line,value,words', SYSTEMD_SEEN)
def test_the_environment_file_reads_as_systemd_reads_it(line, value, words):
    assert dc.envfile_value(line + '\n', 'DOCKER_OPTS') == value
    assert dc.envfile_words(dc.envfile_value(line + '\n', 'DOCKER_OPTS')) == words


@pytest.mark.parametrize('line,value,words', SYSTEMD_SEEN)
def test_the_operators_words_are_written_back_as_the_same_words(line, value, words):
    """What mode envfile writes gives dockerd the operator's words unchanged, and ours after them, whatever
    quotes, backslashes, $ or ` they hold; a second run writes the same file."""
    text = '# the operator\'s\n' + line + '\nOTHER=1\n'
    flags = dc.envfile_flags(dc.envfile_value(text, 'DOCKER_OPTS'), ['tcp://0.0.0.0:2376'], **TLS)
    rendered = dc.render_envfile(text, 'DOCKER_OPTS', flags)
    assert dc.envfile_words(dc.envfile_value(rendered, 'DOCKER_OPTS')) == flags
    kept = dc.foreign_flags(['dockerd'] + words)[1:]  # the operator's TLS flags are replaced by ours
    assert flags[:len(kept)] == kept and '--tlsverify' in flags
    assert rendered.endswith('OTHER=1\n') and rendered.count('DOCKER_OPTS=') == 1
    again = dc.envfile_flags(dc.envfile_value(rendered, 'DOCKER_OPTS'), ['tcp://0.0.0.0:2376'], **TLS)
    assert again == flags and dc.render_envfile(rendered, 'DOCKER_OPTS', again) == rendered


def test_plain_words_are_written_as_before():
    """A file an earlier release wrote (plain words, a $ among them) is written again unchanged: no restart."""
    text = '# Set by tprov.docker (role tprov.docker.daemon).\nDOCKER_OPTS="--label=a=$b --tlsverify"\n'
    assert dc.render_envfile(text, 'DOCKER_OPTS', ['--label=a=$b', '--tlsverify']) == text


def test_a_backslash_at_the_very_end_of_the_file_goes():
    assert dc.envfile_words(dc.envfile_value('DOCKER_OPTS=--debug \\', 'DOCKER_OPTS')) == ['--debug']


def test_export_and_a_lone_carriage_return_are_refused_by_name():
    """systemd 252 skips `export VAR=` (dockerd never got those flags) and ends a line at a CR: reading them
    otherwise would hand dockerd words it never had, or lose a variable set after the CR."""
    with pytest.raises(dc.DaemonConfigError, match='/etc/default/docker sets DOCKER_OPTS with "export".*remove "export"'):
        dc.envfile_value('export DOCKER_OPTS="--debug"\n', 'DOCKER_OPTS', '/etc/default/docker')
    with pytest.raises(dc.DaemonConfigError, match='/etc/default/docker has a carriage return inside a line.*LF'):
        dc.envfile_value('DOCKER_OPTS=--debug\rOTHER=2\n', 'DOCKER_OPTS', '/etc/default/docker')


def test_white_space_around_the_equals_sign_is_the_line_replaced():
    text = 'DOCKER_OPTS = "--dns 1.1.1.1"\n'
    rendered = dc.render_envfile(text, 'DOCKER_OPTS', dc.envfile_flags(dc.envfile_value(text, 'DOCKER_OPTS'),
                                                                       ['tcp://0.0.0.0:2376'], **TLS))
    assert rendered.count('DOCKER_OPTS') == 2 and 'DOCKER_OPTS = ' not in rendered  # the marker names it once
    assert dc.envfile_words(dc.envfile_value(rendered, 'DOCKER_OPTS'))[:2] == ['--dns', '1.1.1.1']


def test_our_flags_never_join_a_continued_last_line():
    text = 'OTHER=x \\'
    rendered = dc.render_envfile(text, 'DOCKER_OPTS', ['--tlsverify'])
    assert dc.envfile_value(rendered, 'OTHER') == 'x'
    assert dc.envfile_words(dc.envfile_value(rendered, 'DOCKER_OPTS')) == ['--tlsverify']


def test_a_line_break_or_nul_in_a_flag_is_refused_before_writing():
    for flag in ('--tlscert=/etc/x\nOTHER=evil', '--host=tcp://0.0.0.0:2376\r', '--tlskey=/etc/x\x00y'):
        with pytest.raises(dc.DaemonConfigError, match='/etc/default/docker cannot hold') as caught:
            dc.render_envfile('', 'DOCKER_OPTS', ['--tlsverify', flag], '/etc/default/docker')
        assert caught.value.kind == 'invalid_option'


def test_only_systemds_white_space_makes_a_word_quoted():
    """A no-break space is no separator to systemd: a file an earlier release wrote with one stays as it is."""
    text = '# Set by tprov.docker (role tprov.docker.daemon).\nDOCKER_OPTS="--label=a\u00a0b --tlsverify"\n'
    assert dc.render_envfile(text, 'DOCKER_OPTS', ['--label=a\u00a0b', '--tlsverify']) == text


@pytest.mark.parametrize('host', ['tcp://0.0.0.0:2376\n', 'tcp://$(id)`x`:2376', 'tcp://a b:2376', 'tcp://"x":2376',
                                  'tcp://[::1\x00]:2376', 'tcp://0.0.0.0:2376 --debug'])
def test_a_tcp_host_with_white_space_quotes_or_shell_characters_is_refused(host):
    with pytest.raises(dc.DaemonConfigError, match='is not tcp://ADDRESS:PORT'):
        dc.check_tcp_hosts([host], True, False)


@pytest.mark.parametrize('host', ['tcp://0.0.0.0:2376', 'tcp://[::]:2376', 'tcp://[fe80::1%eth0]:2376',
                                  'tcp://docker.example.com:2376', 'tcp://:2376'])
def test_ordinary_tcp_hosts_are_accepted(host):
    dc.check_tcp_hosts([host], True, False)
