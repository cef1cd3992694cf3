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
    assert text == '# comment\nDOCKER_OPTS="--tlsverify"\nOTHER=1\n'
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
