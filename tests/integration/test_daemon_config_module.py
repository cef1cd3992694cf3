"""docker_daemon_config on files laid out as on each distro family (roles/daemon/vars/*.yml),
under a temporary root: every mode, idempotence, check and diff mode, refusals, and restore.

The real systemd + dockerd path is the Molecule scenarios'; these cover both families' paths and
rendered files, since no Red Hat host can be built here.
"""

import os

import pytest
import yaml

from tprov_testlib import REPO_ROOT, run_module

RHEL_UNIT = """[Service]
Type=notify
EnvironmentFile=-{envfile}
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $OPTIONS
"""
DEBIAN_UNIT = """[Service]
Type=notify
EnvironmentFile=-{envfile}
ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS
"""


def family_layout(tmp_path, family):
    with open(os.path.join(REPO_ROOT, 'roles', 'daemon', 'vars', '%s.yml' % family)) as handle:
        paths = yaml.safe_load(handle)
    root = str(tmp_path)
    unit = root + paths['docker_daemon_unit_path']
    envfile = root + paths['docker_daemon_envfile_path']
    tls = os.path.join(root, 'etc/docker/tls')
    for directory in (os.path.dirname(unit), os.path.dirname(envfile), tls):
        os.makedirs(directory, exist_ok=True)
    with open(unit, 'w') as handle:
        handle.write((DEBIAN_UNIT if family == 'Debian' else RHEL_UNIT).format(envfile=envfile))
    for name in ('ca.pem', 'server-cert.pem', 'server-key.pem'):
        with open(os.path.join(tls, name), 'w') as handle:
            handle.write('placeholder\n')
    args = dict(unit_path=unit, envfile_path=envfile, envfile_variable=paths['docker_daemon_envfile_variable'],
                dropin_path=os.path.join(root, 'etc/systemd/system/docker.service.d/tprov-docker.conf'),
                daemon_json_path=os.path.join(root, 'etc/docker/daemon.json'),
                backup_dir=os.path.join(root, 'backup'), tcp_hosts=['tcp://0.0.0.0:2376'],
                tls_ca_cert=os.path.join(tls, 'ca.pem'), tls_cert=os.path.join(tls, 'server-cert.pem'),
                tls_key=os.path.join(tls, 'server-key.pem'))
    return args


def snapshot(args):
    files = {}
    for key in ('unit_path', 'envfile_path', 'dropin_path', 'daemon_json_path'):
        path = args[key]
        files[path] = open(path).read() if os.path.exists(path) else None
    return files


@pytest.mark.parametrize('family', ['Debian', 'RedHat'])
@pytest.mark.parametrize('mode', ['dropin', 'unit', 'envfile'])
def test_each_mode_on_each_family(tmp_path, family, mode):
    args = dict(family_layout(tmp_path, family), mode=mode)
    before = snapshot(args)
    check = run_module('docker_daemon_config', args, check=True, diff=True)
    assert check['changed'] and snapshot(args) == before
    assert any('--tlsverify' in d['after'] for d in check['diff'])

    first = run_module('docker_daemon_config', args)
    assert first['changed'], first
    binary = '/usr/sbin/dockerd' if family == 'Debian' else '/usr/bin/dockerd'
    variable = '$DOCKER_OPTS' if family == 'Debian' else '$OPTIONS'
    assert first['exec_start'][:4] == [binary, '--host=fd://', '--containerd=/run/containerd/containerd.sock',
                                       variable]
    assert '--host=tcp://0.0.0.0:2376' in first['exec_start'] and '--tlsverify' in first['exec_start']
    after = snapshot(args)
    if mode == 'dropin':
        assert after[args['unit_path']] == before[args['unit_path']]
        assert 'ExecStart=\nExecStart=%s --host=fd://' % binary in after[args['dropin_path']]
    elif mode == 'unit':
        assert '--tlsverify' in after[args['unit_path']] and after[args['dropin_path']] is None
        assert open(args['unit_path'] + '.tprov-orig').read() == before[args['unit_path']]
        assert 'a package upgrade of docker replaces it' in str(first.get('warnings'))
    else:
        assert after[args['unit_path']] == before[args['unit_path']] and after[args['dropin_path']] is None
        assert '%s="--host=tcp://0.0.0.0:2376 --tlsverify' % args['envfile_variable'] in after[args['envfile_path']]
    assert run_module('docker_daemon_config', args)['changed'] is False

    restored = run_module('docker_daemon_config', {'state': 'restored', 'restore': first['backups']})
    assert restored['changed']
    now = snapshot(args)
    for path in (args['unit_path'], args['envfile_path'], args['dropin_path']):
        assert now[path] == before[path], path


def test_switching_modes_leaves_one_source_of_flags(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    original = snapshot(args)
    run_module('docker_daemon_config', dict(args, mode='unit'))
    back = run_module('docker_daemon_config', dict(args, mode='dropin'))
    assert back['changed']
    now = snapshot(args)
    assert now[args['unit_path']] == original[args['unit_path']] and '--tlsverify' in now[args['dropin_path']]


def test_daemon_json_hosts_refused_before_anything_is_written_or_moved(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    with open(args['daemon_json_path'], 'w') as handle:
        handle.write('{"hosts": ["unix:///var/run/docker.sock"], "tlsverify": true, "debug": true}')
    before = snapshot(args)
    refused = run_module('docker_daemon_config', args)
    assert refused.failed and refused['msg'].startswith('%s sets "hosts"' % args['daemon_json_path'])
    assert '"tlsverify": true' in refused['msg'] and 'docker_daemon_json_conflicts: move' in refused['msg']
    assert snapshot(args) == before and not os.path.exists(args['backup_dir'])
    moved = run_module('docker_daemon_config', dict(args, daemon_json_conflicts='move'))
    assert moved['changed'] and '--host=unix:///var/run/docker.sock' in moved['exec_start']
    assert open(args['daemon_json_path']).read() == '{\n  "debug": true\n}\n'


@pytest.mark.parametrize('extra,needle', [
    ({'tls_verify': False, 'tcp_hosts': ['tcp://0.0.0.0:2375']}, 'without TLS would give root'),
    ({'tls_verify': False, 'allow_plaintext_tcp': True, 'tcp_hosts': ['tcp://0.0.0.0:2375']}, 'loopback'),
    ({'tls_key': '/nonexistent/server-key.pem'}, 'tls_key: /nonexistent/server-key.pem does not exist'),
    ({'mode': 'envfile', 'envfile_variable': 'NOT_PASSED'}, 'does not read'),
])
def test_refusals_write_nothing(tmp_path, extra, needle):
    args = family_layout(tmp_path, 'RedHat')
    before = snapshot(args)
    result = run_module('docker_daemon_config', dict(args, **extra))
    assert result.failed and needle in result['msg'], result['msg']
    assert snapshot(args) == before


def test_plaintext_on_loopback_when_asked(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    result = run_module('docker_daemon_config', dict(args, tls_verify=False, allow_plaintext_tcp=True,
                                                     tcp_hosts=['tcp://127.0.0.1:2375']))
    assert result['changed'] and '--tlsverify' not in result['exec_start']
