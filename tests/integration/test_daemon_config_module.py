"""docker_daemon_config on files laid out as on each distro family (roles/daemon/vars/*.yml),
under a temporary root: every mode, idempotence, check and diff mode, refusals, and restore.

The real systemd + dockerd path is the Molecule scenarios'; these cover both families' paths and
rendered files, since no Red Hat host can be built here.
"""

import json
import os
import re

import pytest
import yaml

from engine_bed import tls_listener
from tprov_testlib import REPO_ROOT, docker, run_module

# systemd's drop-in directories for docker.service, highest precedence first (under the temp root).
SYSTEMD_DROPIN_DIRS = ['/etc/systemd/system/docker.service.d', '/run/systemd/system/docker.service.d',
                       '/usr/lib/systemd/system/docker.service.d', '/lib/systemd/system/docker.service.d']

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
                dropin_dirs=[os.path.join(root, d.lstrip('/')) for d in SYSTEMD_DROPIN_DIRS],
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


def test_backups_in_backup_dir_follow_the_one_naming_scheme(tmp_path):
    # backup_dir holds NAME.STAMP.tprov-backup (NAME the file's path, flattened) like every other backup,
    # and a second backup of the same file in the same second is NAME.STAMP-1.tprov-backup.
    args = dict(family_layout(tmp_path, 'Debian'), mode='unit')
    backups = run_module('docker_daemon_config', args)['backups']
    backups += run_module('docker_daemon_config', dict(args, mode='dropin'))['backups']
    made = [entry for entry in backups if entry['backup']]
    assert [entry['path'] for entry in made].count(args['unit_path']) == 2, backups
    flat = args['unit_path'].strip('/').replace('/', '_')
    pattern = re.compile(r'^%s\.\d{8}T\d{6}(-\d+)?\.tprov-backup$' % re.escape(flat))
    names = sorted(os.path.basename(entry['backup']) for entry in made if entry['path'] == args['unit_path'])
    assert all(pattern.match(name) for name in names), names
    assert all(os.path.dirname(entry['backup']) == args['backup_dir'] for entry in made)


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


OVERRIDE_DROPIN = """[Service]
ExecStart=
ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --data-root=/srv/docker --iptables=false
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        handle.write(text)


def test_dropin_mode_keeps_the_flags_of_other_dropins(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    etc_dir, run_dir = args['dropin_dirs'][0], args['dropin_dirs'][1]
    write(os.path.join(etc_dir, 'override.conf'), OVERRIDE_DROPIN)
    # Masked by /etc's file of the same name: systemd never reads it.
    write(os.path.join(run_dir, 'override.conf'), '[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --masked\n')
    first = run_module('docker_daemon_config', args)
    assert first['changed'] and first['dropins'] == [os.path.join(etc_dir, 'override.conf')]
    assert first['exec_start'][:5] == ['/usr/sbin/dockerd', '--host=fd://',
                                       '--containerd=/run/containerd/containerd.sock', '--data-root=/srv/docker',
                                       '--iptables=false']
    assert '--masked' not in first['exec_start']
    dropin = open(args['dropin_path']).read()
    assert '--data-root=/srv/docker --iptables=false --host=tcp://0.0.0.0:2376 --tlsverify' in dropin
    assert run_module('docker_daemon_config', args)['changed'] is False
    # The admin edits the override later: refused until asked for, then the new flags are carried.
    write(os.path.join(etc_dir, 'override.conf'), OVERRIDE_DROPIN.replace('--iptables=false', '--debug'))
    refused = run_module('docker_daemon_config', args)
    assert refused.failed and refused['error_kind'] == 'dropin_flags_differ', refused
    assert 'added: --debug; removed: --iptables=false' in refused['msg']
    edited = run_module('docker_daemon_config', dict(args, adopt_dropin_flags=True))
    assert edited['changed'] and '--debug' in edited['exec_start'] and '--iptables=false' not in edited['exec_start']


def test_a_dropin_applied_after_ours_that_replaces_exec_start_is_refused(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    write(os.path.join(args['dropin_dirs'][2], 'zz-late.conf'), OVERRIDE_DROPIN)
    before = snapshot(args)
    refused = run_module('docker_daemon_config', args)
    assert refused.failed and refused['error_kind'] == 'dropin_overrides', refused
    assert 'zz-late.conf sets ExecStart' in refused['msg'] and snapshot(args) == before
    unit_mode = run_module('docker_daemon_config', dict(args, mode='unit'))
    assert unit_mode.failed and unit_mode['error_kind'] == 'dropin_overrides'


def test_unit_mode_rebuilds_from_an_upgraded_unit_instead_of_the_stale_original(tmp_path):
    args = dict(family_layout(tmp_path, 'Debian'), mode='unit')
    assert run_module('docker_daemon_config', args)['changed']
    # A package upgrade writes its new unit over our edit.
    upgraded = open(args['unit_path'] + '.tprov-orig').read().replace(
        'Type=notify', 'Type=notify\nLimitNOFILE=infinity').replace('$DOCKER_OPTS', '--log-driver=journald $DOCKER_OPTS')
    write(args['unit_path'], upgraded)
    again = run_module('docker_daemon_config', args)
    assert again['changed'] and 'changed since' in str(again.get('warnings'))
    unit = open(args['unit_path']).read()
    assert 'LimitNOFILE=infinity' in unit and '--log-driver=journald' in unit and '--tlsverify' in unit
    assert open(args['unit_path'] + '.tprov-orig').read() == upgraded
    assert run_module('docker_daemon_config', args)['changed'] is False
    # Leaving mode unit after the upgrade puts the new unit back, not the old one.
    write(args['unit_path'], upgraded.replace('LimitNOFILE=infinity', 'LimitNOFILE=1048576'))
    dropin = run_module('docker_daemon_config', dict(args, mode='dropin'))
    assert dropin['changed'] and 'LimitNOFILE=1048576' in open(args['unit_path']).read()
    assert not os.path.exists(args['unit_path'] + '.tprov-orig')


@pytest.mark.parametrize('socket_unit,local', [(False, '--host=unix:///var/run/docker.sock'), (True, '--host=fd://')])
@pytest.mark.parametrize('mode', ['dropin', 'envfile'])
def test_a_unit_without_host_keeps_a_local_listener(tmp_path, socket_unit, local, mode):
    args = dict(family_layout(tmp_path, 'Debian'), mode=mode)
    unit = DEBIAN_UNIT.replace(' -H fd://', '').format(envfile=args['envfile_path'])
    if socket_unit:
        unit = '[Unit]\nRequires=docker.socket\n' + unit
    write(args['unit_path'], unit)
    result = run_module('docker_daemon_config', args)
    assert result['changed'] and local in result['exec_start'], result['exec_start']
    assert result['exec_start'].index(local) < result['exec_start'].index('--host=tcp://0.0.0.0:2376')
    assert run_module('docker_daemon_config', args)['changed'] is False


def test_restore_puts_back_everything_it_can_and_names_the_rest(tmp_path):
    kept, new, gone_dir = tmp_path / 'kept.conf', tmp_path / 'new.conf', tmp_path / 'gone'
    kept.write_text('new content\n')
    new.write_text('written by the failed run\n')
    backup = tmp_path / 'kept.conf.bak'
    backup.write_text('old content\n')
    (tmp_path / 'other.bak').write_text('x\n')
    entries = [
        {'path': str(tmp_path / 'lost.conf'), 'backup': str(tmp_path / 'lost.conf.bak')},   # backup missing
        {'path': str(gone_dir / 'x.conf'), 'backup': str(tmp_path / 'other.bak')},          # cannot write
        {'path': str(kept), 'backup': str(backup)},
        {'path': str(new), 'backup': None},
    ]
    result = run_module('docker_daemon_config', {'state': 'restored', 'restore': entries})
    assert result.failed and result['error_kind'] == 'restore_incomplete'
    assert result['msg'].startswith('ROLLBACK INCOMPLETE')
    assert sorted(e['path'] for e in result['not_restored']) == [str(gone_dir / 'x.conf'), str(tmp_path / 'lost.conf')]
    assert result['restored'] == [str(kept), str(new)]
    assert kept.read_text() == 'old content\n' and not new.exists()
    assert not list(tmp_path.glob('*.tprov-restore'))


def test_served_certificate_against_the_file_on_disk(tmp_path):
    pki = tmp_path / 'pki'
    pki.mkdir()
    assert not run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(pki)}).failed
    for name in ('served', 'new'):
        assert not run_module('docker_tls_cert', {
            'kind': 'server', 'path': str(pki / ('%s-cert.pem' % name)), 'key_path': str(pki / ('%s-key.pem' % name)),
            'ca_path': str(pki / 'ca.pem'), 'ca_key_path': str(pki / 'ca-key.pem'),
            'subject_alt_names': ['IP:127.0.0.1']}).failed
    listener = tls_listener(str(pki / 'served-cert.pem'), str(pki / 'served-key.pem'))
    try:
        port = listener.getsockname()[1]
        args = dict(family_layout(tmp_path, 'Debian'), tcp_hosts=['tcp://0.0.0.0:%d' % port])
        for name, matches in (('served', True), ('new', False)):
            write(args['tls_cert'], (pki / ('%s-cert.pem' % name)).read_text())
            served = run_module('docker_daemon_config', args, check=True)['served_certificate']
            assert served['address'] == '127.0.0.1:%d' % port and served['fingerprint_sha256']
            assert served['matches'] is matches and served['stale'] is not matches, served
    finally:
        listener.shutdown(2)  # wakes the accept() of the serving thread
        listener.close()
    nothing = run_module('docker_daemon_config', args, check=True)['served_certificate']
    assert nothing['fingerprint_sha256'] is None and not nothing['matches'] and not nothing['stale']
    assert nothing['unknown'] is False  # nothing listens: not a certificate that could not be read


def test_a_dropin_that_never_applied_is_not_adopted_unasked(tmp_path):
    """Our drop-in replaced ExecStart, so an override.conf written after it never applied: building on
    it now would restart dockerd onto an empty --data-root. Refused, naming the flags and the fix."""
    args = family_layout(tmp_path, 'Debian')
    assert run_module('docker_daemon_config', args)['changed']
    write(os.path.join(args['dropin_dirs'][0], 'override.conf'), OVERRIDE_DROPIN)
    before = snapshot(args)
    refused = run_module('docker_daemon_config', args)
    assert refused.failed and refused['error_kind'] == 'dropin_flags_differ', refused
    assert 'added: --data-root=/srv/docker --iptables=false; removed: $DOCKER_OPTS' in refused['msg']
    assert 'override.conf' in refused['msg'] and 'docker_daemon_adopt_dropin_flags: true' in refused['msg']
    assert snapshot(args) == before
    adopted = run_module('docker_daemon_config', dict(args, adopt_dropin_flags=True))
    assert adopted['changed'] and adopted['daemon_changed'] and '--data-root=/srv/docker' in adopted['exec_start']
    assert run_module('docker_daemon_config', args)['changed'] is False


@pytest.mark.parametrize('mode', ['dropin', 'unit', 'envfile'])
def test_a_host_moved_from_daemon_json_stays_on_later_runs(tmp_path, mode):
    args = dict(family_layout(tmp_path, 'Debian'), mode=mode, daemon_json_conflicts='move')
    write(args['daemon_json_path'], '{"hosts": ["unix:///run/custom/docker.sock", "tcp://0.0.0.0:2375"]}\n')
    moved = run_module('docker_daemon_config', args)
    assert moved['changed'] and '--host=unix:///run/custom/docker.sock' in moved['exec_start'], moved
    again = run_module('docker_daemon_config', args)
    assert again['changed'] is False, again['changed_files']
    assert again['exec_start'] == moved['exec_start']


def test_envfile_mode_keeps_the_operators_flags(tmp_path):
    args = dict(family_layout(tmp_path, 'Debian'), mode='envfile')
    write(args['envfile_path'], '# Docker Upstart and SysVinit configuration file\n'
                                'DOCKER_OPTS="--dns 10.0.0.2 --data-root=/srv/docker -H tcp://0.0.0.0:2375"\n')
    first = run_module('docker_daemon_config', args)
    assert first['changed']
    opts = first['exec_start'][first['exec_start'].index('$DOCKER_OPTS') + 1:]
    assert opts[:4] == ['--dns', '10.0.0.2', '--data-root=/srv/docker', '--host=tcp://0.0.0.0:2376'], opts
    assert '--host=tcp://0.0.0.0:2375' not in open(args['envfile_path']).read()
    assert run_module('docker_daemon_config', args)['changed'] is False
    # Leaving mode envfile takes out our flags only.
    dropin = run_module('docker_daemon_config', dict(args, mode='dropin'))
    assert dropin['changed'] and '--tlsverify' in open(args['dropin_path']).read()
    text = open(args['envfile_path']).read()
    assert 'DOCKER_OPTS="--dns 10.0.0.2 --data-root=/srv/docker"\n' in text, text


def test_unit_mode_keeps_an_admin_edit_out_of_the_saved_original_and_restarts_nothing(tmp_path):
    args = dict(family_layout(tmp_path, 'Debian'), mode='unit')
    vendor = open(args['unit_path']).read()
    assert run_module('docker_daemon_config', args)['changed']
    with open(args['unit_path'], 'a') as handle:
        handle.write('LimitNOFILE=1048576\n')
    edited = run_module('docker_daemon_config', args)
    original = open(args['unit_path'] + '.tprov-orig').read()
    assert '--tls' not in original and 'LimitNOFILE=1048576' in original, original
    assert dc_unit_exec_start(original) == dc_unit_exec_start(vendor)
    assert edited['changed_files'] == [args['unit_path'] + '.tprov-orig'] and edited['daemon_changed'] is False
    assert run_module('docker_daemon_config', args)['changed'] is False
    # Leaving mode unit puts back the vendor command line, with the admin's edit.
    dropin = run_module('docker_daemon_config', dict(args, mode='dropin'))
    unit = open(args['unit_path']).read()
    assert dropin['daemon_changed'] and 'LimitNOFILE=1048576' in unit and '--tls' not in unit


def dc_unit_exec_start(text):
    from ansible_collections.tprov.docker.plugins.module_utils import daemon_config
    return daemon_config.unit_exec_start(text)


def test_a_write_failure_whose_undo_fails_says_rollback_incomplete(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    # A saved original left by mode unit, stale (the unit was replaced): it is removed first...
    write(args['unit_path'] + '.tprov-orig', '[Service]\nExecStart=/usr/sbin/dockerd --old\n')
    # ...then the drop-in cannot be written (its directory is a file), and the original cannot be put
    # back (its staging name is taken by a directory).
    write(os.path.dirname(args['dropin_path']), 'not a directory\n')
    os.makedirs(args['unit_path'] + '.tprov-orig.tprov-restore')
    result = run_module('docker_daemon_config', args)
    assert result.failed and result['error_kind'] == 'restore_incomplete', result
    assert 'ROLLBACK INCOMPLETE' in result['msg']
    assert [e['path'] for e in result['not_restored']] == [args['unit_path'] + '.tprov-orig']


def test_served_certificate_unknown_against_a_tls12_only_server(tmp_path):
    pki = issued_pair(tmp_path)
    listener = tls_listener(str(pki / 'server-cert.pem'), str(pki / 'server-key.pem'), tls12_only=True)
    try:
        args = dict(family_layout(tmp_path, 'Debian'), tcp_hosts=['tcp://0.0.0.0:%d' % listener.getsockname()[1]],
                    prune_tls_backups=True)
        write(args['tls_cert'], (pki / 'server-cert.pem').read_text())
        # A CA backup an earlier run left: with the served certificate unreadable it is neither proven nor
        # unproven - no restart on every run for it, and nothing deleted.
        write(args['tls_ca_cert'] + '.20260101T000000.tprov-backup', 'placeholder\n')
        result = run_module('docker_daemon_config', args, check=True)
    finally:
        listener.shutdown(2)
        listener.close()
    served = result['served_certificate']
    assert served['unknown'] is True and not served['matches'] and not served['stale'], served
    assert 'could not be read' in str(result.get('warnings'))
    assert result['tls_unproven'] == [] and result['tls_backups_removed'] == [], result


def test_diff_masks_proxy_passwords_and_tokens_never_what_is_written(tmp_path):
    # --diff prints whole files: the environment file's proxy URL and token, and daemon.json's proxy,
    # show masked; the files keep them.
    args = dict(family_layout(tmp_path, 'Debian'), mode='envfile', daemon_json_conflicts='move')
    envfile_text = ('export http_proxy="http://proxyuser:EnvPass-1@proxy.example:3128"\n'
                    'REGISTRY_TOKEN=tok-2-secret\nexport Db_Password=\'pw 3\'\nPLAIN=kept\n')
    with open(args['envfile_path'], 'w') as handle:
        handle.write(envfile_text)
    with open(args['daemon_json_path'], 'w') as handle:
        handle.write('{"hosts": ["unix:///var/run/docker.sock"], '
                     '"proxies": {"https-proxy": "https://ju:JsonPass-4@proxy.example:3129"}}')
    check = run_module('docker_daemon_config', args, check=True, diff=True)
    assert check['changed'] and len(check['diff']) == 2, check
    shown = repr(check['diff'])
    for secret in ('EnvPass-1', 'tok-2-secret', 'pw 3', 'JsonPass-4'):
        assert secret not in shown, (secret, shown)
    envfile_diff, json_diff = sorted(check['diff'], key=lambda d: d['before_header'] != args['envfile_path'])
    for side in ('before', 'after'):
        assert 'http://proxyuser:********@proxy.example:3128' in envfile_diff[side]
        assert "REGISTRY_TOKEN=********\n" in envfile_diff[side] and "Db_Password='********'" in envfile_diff[side]
        assert 'PLAIN=kept' in envfile_diff[side]
    assert '--tlsverify' in envfile_diff['after']
    assert 'https://ju:********@proxy.example:3129' in json_diff['before'] + json_diff['after']

    written = run_module('docker_daemon_config', args, diff=True)
    assert written['changed'] and 'EnvPass-1' not in repr(written['diff'])
    text = open(args['envfile_path']).read()
    assert text.startswith(envfile_text) and '--tlsverify' in text
    assert 'https://ju:JsonPass-4@proxy.example:3129' in open(args['daemon_json_path']).read()


def served_info():
    """What the engine these tests run on reports (GET /info through the docker CLI)."""
    return json.loads(docker('info', '--format', '{{json .}}').stdout)


def configured(tmp_path, **options):
    """A Debian layout whose flags are already in place (a first run done), and daemon.json options."""
    args = family_layout(tmp_path, 'Debian')
    first = run_module('docker_daemon_config', args)
    assert first['changed'] and first['daemon_changed']
    return dict(args, **options)


def test_a_key_dockerd_reloads_is_reloaded_not_restarted(tmp_path):
    # The unit's -H fd:// leaves the daemon on Docker's default socket: the engine these tests run on.
    debug = not served_info()['Debug']
    args = configured(tmp_path, daemon_options={'debug': debug, 'labels': ['tier=test']})
    result = run_module('docker_daemon_config', args)
    assert result['changed'] and result['daemon_answered']
    assert result['daemon_reload'] and not result['daemon_changed'] and not result['reload_before_restart']
    assert sorted(result['daemon_json_keys_changed']) == ['debug', 'labels']
    assert result['daemon_options'] == {'debug': debug, 'labels': ['tier=test']}
    # Not served yet: every later run asks for the reload again, until the daemon runs what is declared.
    again = run_module('docker_daemon_config', args)
    assert not again['changed'] and again['daemon_reload'] and again['daemon_options_pending'] == ['debug', 'labels']


def test_a_key_the_daemon_already_serves_needs_nothing_and_others_restart(tmp_path):
    info = served_info()
    args = configured(tmp_path, daemon_options={'debug': info['Debug'], 'log-driver': info['LoggingDriver']})
    result = run_module('docker_daemon_config', args)
    assert result['changed'] and not result['daemon_changed'] and not result['daemon_reload']
    assert result['daemon_json_keys_changed'] == [] and result['daemon_options_pending'] == []
    restart = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert restart['daemon_changed'] and not restart['daemon_reload'] and restart['daemon_json_keys_changed'] == ['icc']


@pytest.fixture
def a_running_container():
    """A container running on the engine under test while the test runs (live-restore keeps such ones)."""
    name = 'tprov-live-restore-%d' % os.getpid()
    started = docker('run', '-d', '--rm', '--name', name, 'tprov-test/busybox:latest', 'sleep', '300')
    assert started.returncode == 0, started.stderr
    yield name
    docker('rm', '-f', name)


def test_live_restore_switched_on_is_reloaded_before_the_restart(tmp_path, a_running_container):
    if served_info()['LiveRestoreEnabled']:
        pytest.skip('the engine under test runs with live-restore already')
    args = configured(tmp_path, daemon_options={'live-restore': True, 'userland-proxy': False})
    result = run_module('docker_daemon_config', args)
    assert result['daemon_changed'] and result['reload_before_restart']
    assert result['daemon_options_pending'] == ['live-restore']


def test_hardened_defaults_keep_an_administrators_value_and_say_so(tmp_path):
    args = configured(tmp_path)
    with open(args['daemon_json_path'], 'w') as handle:
        handle.write('{"log-driver": "journald", "data-root": "/srv/docker"}\n')
    result = run_module('docker_daemon_config', dict(args, daemon_default_options={
        'log-driver': 'json-file', 'icc': False}, daemon_options={'debug': None}))
    written = json.loads(open(args['daemon_json_path']).read())
    assert written == {'log-driver': 'journald', 'data-root': '/srv/docker', 'icc': False}
    assert result['daemon_options_kept'] == ['log-driver']
    # ansible-core 2.19 and later report warnings as structured events.
    texts = [w if isinstance(w, str) else w['event']['msg'] for w in result['warnings']]
    assert any('the default "log-driver": "json-file" is not applied: %s sets "journald"' % args['daemon_json_path'] in t
               for t in texts), texts


@pytest.mark.parametrize('option', ['daemon_options', 'daemon_default_options'])
def test_flag_keys_in_daemon_options_are_refused_before_anything_is_written(tmp_path, option):
    args = family_layout(tmp_path, 'Debian')
    before = snapshot(args)
    refused = run_module('docker_daemon_config', dict(args, **{option: {'hosts': ['tcp://0.0.0.0:2375']}}))
    assert refused.failed and refused['error_kind'] == 'invalid_option'
    role_variable = {'daemon_options': 'docker_daemon_options', 'daemon_default_options': 'docker_daemon_hardened_options'}
    assert refused['msg'].startswith('%s (role: %s) sets hosts' % (option, role_variable[option]))
    assert snapshot(args) == before and not os.path.exists(args['backup_dir'])


def test_check_mode_with_daemon_options_writes_nothing_and_shows_the_diff(tmp_path):
    args = configured(tmp_path, daemon_options={'icc': False})
    before = snapshot(args)
    result = run_module("docker_daemon_config", args, check=True, diff=True)
    assert result['changed'] and result['daemon_changed'] and snapshot(args) == before
    assert '"icc": false' in str(result['diff'])


def test_a_flag_on_the_command_line_keeps_its_default_out_and_refuses_the_option(tmp_path):
    # The failure scenario's operator runs dockerd with --iptables=false: icc false would stop dockerd.
    args = configured(tmp_path)
    with open(args['envfile_path'], 'w') as handle:
        handle.write('DOCKER_OPTS="--iptables=false --log-driver=journald"\n')
    result = run_module('docker_daemon_config', dict(args, daemon_default_options={
        'icc': False, 'log-driver': 'json-file', 'live-restore': True}))
    assert result['daemon_options'] == {'live-restore': True}
    assert result['daemon_options_kept'] == ['icc', 'log-driver']
    assert json.loads(open(args['daemon_json_path']).read()) == {'live-restore': True}
    refused = run_module('docker_daemon_config', dict(args, daemon_options={'log-driver': 'local'}))
    assert refused.failed and refused['error_kind'] == 'invalid_option' and '--log-driver=journald' in refused['msg']


def test_a_key_info_does_not_report_is_judged_by_the_applied_copy(tmp_path):
    # icc: /info does not say. A run that wrote it and never restarted (interrupted) is caught up by the next.
    args = configured(tmp_path, daemon_json_applied_path=str(tmp_path / 'applied.json'))
    with open(args['daemon_json_path'], 'w') as handle:
        handle.write('{"data-root": "/srv/docker"}\n')
    recorded = run_module('docker_daemon_config', dict(args, state='applied'))
    assert recorded['changed'] and os.stat(args['daemon_json_applied_path']).st_mode & 0o777 == 0o600
    first = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert first['daemon_changed'] and first['daemon_json_keys_changed'] == ['icc']
    interrupted = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert not interrupted['changed'] and interrupted['daemon_changed'], interrupted
    run_module('docker_daemon_config', dict(args, state='applied'))
    done = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert not done['changed'] and not done['daemon_changed'] and not done['daemon_reload']


def test_userns_remap_to_another_user_restarts(tmp_path):
    args = configured(tmp_path, daemon_json_applied_path=str(tmp_path / 'applied.json'))
    with open(args['daemon_json_path'], 'w') as handle:
        handle.write('{"userns-remap": "default"}\n')
    run_module('docker_daemon_config', dict(args, state='applied'))
    result = run_module('docker_daemon_config', dict(args, daemon_options={'userns-remap': 'alice:alice'}))
    if result.failed:
        # dockerd 23 and later check daemon.json first (--validate; the Debian 13 stage): a user that does not
        # exist is refused there, before anything is written.
        assert result['msg'].startswith('daemon.json would not be accepted'), result['msg']
        assert json.loads(open(args['daemon_json_path']).read()) == {'userns-remap': 'default'}
    else:  # dockerd 20.10 cannot check it beforehand: the change restarts (and the role rolls back on failure)
        assert result['daemon_changed'] and result['daemon_json_keys_changed'] == ['userns-remap']


def test_live_restore_alone_reloads_and_asks_the_role_to_reload_before_any_restart(tmp_path, a_running_container):
    if served_info()['LiveRestoreEnabled']:
        pytest.skip('the engine under test runs with live-restore already')
    result = run_module('docker_daemon_config', configured(tmp_path, daemon_options={'live-restore': True}))
    assert result['daemon_reload'] and not result['daemon_changed'] and result['reload_before_restart']


def test_new_daemon_json_is_0600_and_an_existing_one_keeps_its_mode(tmp_path):
    args = configured(tmp_path, daemon_options={'icc': False})
    assert run_module('docker_daemon_config', args)['changed']
    assert os.stat(args['daemon_json_path']).st_mode & 0o777 == 0o600
    os.chmod(args['daemon_json_path'], 0o640)
    run_module('docker_daemon_config', dict(args, daemon_options={'icc': True}))
    assert os.stat(args['daemon_json_path']).st_mode & 0o777 == 0o640


@pytest.mark.parametrize('mode', ['envfile', 'dropin', 'unit'])
@pytest.mark.parametrize('words', ['--config-file=/srv/docker/engine.json', '--config-file /srv/docker/engine.json',
                                   '--debug --config-file /srv/docker/engine.json --log-level info'])
def test_a_config_file_on_the_command_line_must_be_the_one_written(tmp_path, words, mode):
    args = configured(tmp_path)
    with open(args['envfile_path'], 'w') as handle:
        handle.write('DOCKER_OPTS="%s"\n' % words)
    before = snapshot(args)
    refused = run_module('docker_daemon_config', dict(args, mode=mode, daemon_options={'icc': False}))
    # Written with a space, or in DOCKER_OPTS in the drop-in and unit modes (Debian's unit passes $DOCKER_OPTS), the
    # flag was not read before: daemon.json was written where dockerd never reads it.
    assert refused.failed and 'dockerd reads /srv/docker/engine.json' in refused['msg'], refused
    assert 'docker_daemon_json_path' in refused['msg']
    assert snapshot(args) == before


@pytest.mark.parametrize('words', ['--config-file=${CFG}', '--config-file $CFG', '--config-file='])
def test_a_config_file_this_module_cannot_tell_is_refused(tmp_path, words):
    args = configured(tmp_path)
    with open(args['envfile_path'], 'w') as handle:
        handle.write('DOCKER_OPTS="%s"\n' % words)
    refused = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert refused.failed and 'names no file this module can tell' in refused['msg'], refused
    assert not os.path.exists(args['daemon_json_path'])


def test_a_config_file_in_an_environment_file_systemd_no_longer_reads_is_not_refused(tmp_path):
    # A drop-in empties EnvironmentFile= and lists its own file: the stale --config-file of /etc/default/docker is not
    # what dockerd gets, so it is no reason to refuse.
    args = configured(tmp_path)
    with open(args['envfile_path'], 'w') as handle:
        handle.write('DOCKER_OPTS="--config-file /srv/old.json"\n')
    dropin_dir = os.path.dirname(args['dropin_path'])
    with open(os.path.join(dropin_dir, '10-environment.conf'), 'w') as handle:
        handle.write('[Service]\nEnvironmentFile=\nEnvironmentFile=-%s\n' % os.path.join(str(tmp_path), 'mine.env'))
    check = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}), check=True)
    assert not check.failed, check


def test_mode_envfile_needs_the_variable_as_a_word_of_its_own(tmp_path):
    # systemd passes "${DOCKER_OPTS}" as one argument: the TLS flags written there would reach dockerd as one word.
    args = family_layout(tmp_path, 'Debian')
    with open(args['unit_path'], 'w') as handle:
        handle.write(DEBIAN_UNIT.format(envfile=args['envfile_path']).replace('$DOCKER_OPTS', '${DOCKER_OPTS}'))
    refused = run_module('docker_daemon_config', dict(args, mode='envfile'), check=True)
    assert refused.failed and 'does not read %s or pass $DOCKER_OPTS' % args['envfile_path'] in refused['msg'], refused


def test_the_config_file_written_may_be_named_on_the_command_line_either_way(tmp_path):
    args = configured(tmp_path)
    for named in (args['daemon_json_path'], args['daemon_json_path'].replace('/daemon.json', '//./daemon.json')):
        with open(args['envfile_path'], 'w') as handle:
            handle.write('DOCKER_OPTS="--config-file %s"\n' % named)
        for mode in ('envfile', 'dropin'):
            check = run_module('docker_daemon_config', dict(args, mode=mode, daemon_options={'icc': False}), check=True)
            assert not check.failed, (named, mode, check)


def test_a_symlinked_or_undecodable_daemon_json_is_named(tmp_path):
    args = configured(tmp_path)
    target = str(tmp_path / 'elsewhere.json')
    with open(target, 'w') as handle:
        handle.write('{}\n')
    os.symlink(target, args['daemon_json_path'])
    linked = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert linked.failed and 'is a symbolic link (to %s)' % target in linked['msg']
    assert open(target).read() == '{}\n'
    os.unlink(args['daemon_json_path'])
    with open(args['daemon_json_path'], 'wb') as handle:
        handle.write(b'{"labels": ["caf\xe9"]}\n')
    latin = run_module('docker_daemon_config', dict(args, daemon_options={'icc': False}))
    assert latin.failed and 'is not UTF-8 text' in latin['msg']


# ---------------------------------------------------------------------------------------------
# tls_files: the certificates in the same module run as the configuration (issue 20)

def issued_pair(tmp_path):
    """A CA and a server certificate for 127.0.0.1 (docker_tls_cert): (ca, cert, key) texts and paths."""
    pki = tmp_path / 'pki'
    pki.mkdir()
    assert not run_module('docker_tls_cert', {'kind': 'ca', 'dir': str(pki)}).failed
    assert not run_module('docker_tls_cert', {
        'kind': 'server', 'path': str(pki / 'server-cert.pem'), 'key_path': str(pki / 'server-key.pem'),
        'ca_path': str(pki / 'ca.pem'), 'ca_key_path': str(pki / 'ca-key.pem'),
        'subject_alt_names': ['IP:127.0.0.1']}).failed
    return pki


def tls_files_option(args, pki):
    dest = os.path.dirname(args['tls_cert'])
    return dict(dest=dest, dir_mode='0755', files=[
        dict(name='ca.pem', content=(pki / 'ca.pem').read_text(), mode='0444'),
        dict(name='server-cert.pem', content=(pki / 'server-cert.pem').read_text(), mode='0444'),
        dict(name='server-key.pem', content=(pki / 'server-key.pem').read_text(), mode='0400')])


def test_tls_files_go_in_with_the_configuration_and_restart_only_for_new_content(tmp_path):
    pki = issued_pair(tmp_path)
    args = dict(family_layout(tmp_path, 'Debian'), prune_tls_backups=True)
    args['tls_files'] = tls_files_option(args, pki)
    key_body = (pki / 'server-key.pem').read_text().split('-----')[2].strip()[:40]

    check = run_module('docker_daemon_config', args, check=True, diff=True)
    assert check['changed'] and check['tls_changed'], check
    assert open(args['tls_cert']).read() == 'placeholder\n'  # check mode wrote nothing
    assert key_body not in check.raw  # the diff names digests, never the key

    first = run_module('docker_daemon_config', args, diff=True)
    assert first['changed'] and first['tls_changed'] and not first.failed, first
    assert open(args['tls_cert']).read() == (pki / 'server-cert.pem').read_text()
    assert oct(os.stat(args['tls_key']).st_mode & 0o777) == '0o400'
    assert key_body not in first.raw
    # The way back is this run's backups of the three placeholders, kept (nothing proves the daemon serves
    # the new certificate: nothing listens).
    assert sorted(e['path'] for e in first['tls_restore']) == sorted([args['tls_ca_cert'], args['tls_cert'], args['tls_key']])
    assert all(open(e['backup']).read() == 'placeholder\n' for e in first['tls_restore'])
    assert len(first['tls_backups']) == 3 and first['tls_backups_removed'] == []

    again = run_module('docker_daemon_config', args)
    assert not again['changed'] and not again['tls_changed'], again
    # No certificate changed now, but the daemon is not found serving the one on disk: the backups of the
    # earlier run are the way back.
    assert len(again['tls_backups']) == 3 and [e['path'] for e in again['tls_restore']] == sorted(
        [args['tls_ca_cert'], args['tls_cert'], args['tls_key']])


@pytest.fixture
def serving(tmp_path):
    """(pki, args): a daemon stand-in serving the issued server certificate on the port args listen on."""
    pki = issued_pair(tmp_path)
    listener = tls_listener(str(pki / 'server-cert.pem'), str(pki / 'server-key.pem'))
    port = listener.getsockname()[1]
    yield pki, dict(family_layout(tmp_path, 'Debian'), tcp_hosts=['tcp://0.0.0.0:%d' % port], prune_tls_backups=True)
    listener.shutdown(2)
    listener.close()


def test_backups_are_pruned_once_the_daemon_serves_the_certificate_on_disk(tmp_path, serving):
    pki, args = serving
    args['tls_files'] = tls_files_option(args, pki)
    first = run_module('docker_daemon_config', args)
    # The served certificate is the new one already, but this run changed it: kept for the role's proof.
    assert first['tls_changed'] and len(first['tls_backups']) == 3 and not first['tls_backups_removed']
    # A link with a backup's name is nobody's backup: neither listed nor followed nor removed.
    target = tmp_path / 'precious'
    target.write_text('keep me\n')
    link = args['tls_key'] + '.20260101T000000.tprov-backup'
    os.symlink(str(target), link)

    # Nothing shows which CA the daemon loaded: while the CA certificate's backup is there, it is unproven.
    kept = run_module('docker_daemon_config', args)
    assert kept['tls_unproven'] == [args['tls_ca_cert']] and kept['tls_backups_removed'] == [], kept
    ca_backup = [p for p in first['tls_backups'] if os.path.basename(p).startswith('ca.pem.')]
    os.unlink(ca_backup[0])  # as the role does once a restart proved the set
    rest = [p for p in first['tls_backups'] if p not in ca_backup]

    check = run_module('docker_daemon_config', args, check=True)
    assert check['changed'] and sorted(check['tls_backups_removed']) == sorted(rest), check
    assert all(os.path.exists(p) for p in rest)

    pruned = run_module('docker_daemon_config', args)
    assert pruned['changed'] and sorted(pruned['tls_backups_removed']) == sorted(rest)
    assert pruned['served_certificate']['matches'] and pruned['tls_restore'] == []
    assert not any(os.path.exists(p) for p in rest)
    assert os.path.islink(link) and target.read_text() == 'keep me\n'
    assert run_module('docker_daemon_config', args)['changed'] is False


def test_tls_files_are_not_installed_when_the_configuration_is_refused(tmp_path):
    pki = issued_pair(tmp_path)
    args = family_layout(tmp_path, 'Debian')
    args['tls_files'] = tls_files_option(args, pki)
    write(args['daemon_json_path'], json.dumps({'hosts': ['tcp://0.0.0.0:2375']}))
    refused = run_module('docker_daemon_config', args)
    assert refused.failed and refused['error_kind'] == 'daemon_json_conflict', refused
    assert open(args['tls_cert']).read() == 'placeholder\n'

    # A key the file set would make readable by others: named, and nothing of either half written.
    (tmp_path / 'second').mkdir()
    args = family_layout(tmp_path / 'second', 'Debian')
    args['tls_files'] = tls_files_option(args, pki)
    args['tls_files']['files'][2]['mode'] = '0644'
    before = snapshot(args)
    bad = run_module('docker_daemon_config', args)
    assert bad.failed and bad['error_kind'] == 'invalid_option' and 'tls_files.files[2].mode' in bad['msg'], bad
    assert snapshot(args) == before and open(args['tls_cert']).read() == 'placeholder\n'


def test_certificates_coming_with_tls_files_are_not_missing(tmp_path):
    pki = issued_pair(tmp_path)
    args = family_layout(tmp_path, 'Debian')
    for option in ('tls_ca_cert', 'tls_cert', 'tls_key'):
        os.unlink(args[option])
    missing = run_module('docker_daemon_config', args, check=True)
    assert missing.failed and missing['error_kind'] == 'certificates_missing'
    args['tls_files'] = tls_files_option(args, pki)
    check = run_module('docker_daemon_config', args, check=True)
    assert not check.failed and check['tls_changed'], check
    assert [e['backup'] for e in check['tls_restore']] == [None, None, None]  # what a rollback would remove
    done = run_module('docker_daemon_config', args)
    assert not done.failed and os.path.isfile(args['tls_key'])
    assert [e['backup'] for e in done['tls_restore']] == [None, None, None]  # new files: removed on a rollback


def tls_dir_listing(args):
    return sorted(os.listdir(os.path.dirname(args['tls_cert'])))


def test_a_refused_file_leaves_the_whole_set_and_the_configuration_as_they_were(tmp_path):
    pki = issued_pair(tmp_path)
    args = family_layout(tmp_path, 'Debian')
    args['tls_files'] = tls_files_option(args, pki)
    os.link(args['tls_key'], str(tmp_path / 'keycopy'))  # the key has another hard link: it is not replaced
    before = snapshot(args)
    refused = run_module('docker_daemon_config', args)
    assert refused.failed and refused['error_kind'] == 'invalid_option', refused
    assert 'tls_files: ' in refused['msg'] and 'hard links' in refused['msg'], refused['msg']
    # Never a new CA and certificate beside the old key.
    assert all(open(args[o]).read() == 'placeholder\n' for o in ('tls_ca_cert', 'tls_cert', 'tls_key'))
    assert tls_dir_listing(args) == ['ca.pem', 'server-cert.pem', 'server-key.pem'] and snapshot(args) == before


def test_the_way_back_is_what_the_daemon_last_started_with(tmp_path):
    pki = issued_pair(tmp_path)
    args = family_layout(tmp_path, 'Debian')  # the daemon runs the placeholders (nothing listens: not proven)
    args['tls_files'] = tls_files_option(args, pki)
    first = run_module('docker_daemon_config', args)  # then interrupted before its restart
    assert first['tls_changed']
    args['tls_files']['files'][0]['content'] += (pki / 'ca.pem').read_text()  # the next run changes ca.pem only
    second = run_module('docker_daemon_config', args)
    assert second['tls_changed'] and not second.failed
    # Each file goes back to the placeholder the daemon started with, not to the first run's unloaded files.
    restore = dict((e['path'], e['backup']) for e in second['tls_restore'])
    assert sorted(restore) == sorted(args[o] for o in ('tls_ca_cert', 'tls_cert', 'tls_key'))
    assert all(open(b).read() == 'placeholder\n' for b in restore.values()), restore
    assert len(second['tls_backups']) == 4


def test_a_certificates_directory_behind_a_link_others_control_is_no_false_failure(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    tls = os.path.dirname(args['tls_cert'])
    os.rename(tls, str(tmp_path / 'real-tls'))
    os.symlink(str(tmp_path / 'real-tls'), tls)
    os.chown(os.path.dirname(tls), 65534, 65534)  # /etc/docker writable by another user: the link is not followed
    plain = run_module('docker_daemon_config', args)
    assert not plain.failed and plain['changed'] and plain['backups'], plain
    (tmp_path / 'second').mkdir()
    args = family_layout(tmp_path / 'second', 'Debian')
    tls = os.path.dirname(args['tls_cert'])
    os.rename(tls, str(tmp_path / 'second' / 'real-tls'))
    os.symlink(str(tmp_path / 'second' / 'real-tls'), tls)
    os.chown(os.path.dirname(tls), 65534, 65534)
    pruning = run_module('docker_daemon_config', dict(args, prune_tls_backups=True))
    assert not pruning.failed and pruning['changed'] and pruning['tls_backups_removed'] == [], pruning
    assert 'prune_tls_backups:' in str(pruning.get('warnings')) and 'symbolic link' in str(pruning.get('warnings'))


def test_a_backup_another_user_could_plant_is_neither_restored_nor_deleted(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    tls = os.path.dirname(args['tls_cert'])
    planted = os.path.join(tls, 'ca.pem.19700101T000000.tprov-backup')
    write(planted, 'ATTACKER CA\n')
    os.chown(planted, 65534, 65534)  # in a root-owned directory, but not root's file
    write(os.path.join(tls, 'notes.txt.19700101T000000.tprov-backup'), 'not one of the certificates\n')
    root_owned = run_module('docker_daemon_config', dict(args, prune_tls_backups=True))
    assert not root_owned.failed and root_owned['tls_restore'] == [] and root_owned['tls_backups'] == [], root_owned
    assert os.path.exists(planted) and os.path.exists(os.path.join(tls, 'notes.txt.19700101T000000.tprov-backup'))
    # The directory itself owned by another user: nothing in it is trusted, with a warning.
    os.chown(tls, 65534, 65534)
    os.chown(planted, 0, 0)
    theirs = run_module('docker_daemon_config', dict(args, prune_tls_backups=True))
    assert not theirs.failed and theirs['tls_restore'] == [] and theirs['tls_backups_removed'] == [], theirs
    assert 'Another user could plant a backup there' in str(theirs.get('warnings'))
    assert open(planted).read() == 'ATTACKER CA\n'


def test_a_ca_installed_without_a_restart_is_unproven_and_its_backup_kept(serving):
    pki, args = serving
    files = tls_files_option(args, pki)
    assert run_module('docker_daemon_config', dict(args, tls_files=files))['tls_changed']
    # The daemon serves them (a restart proved them; the role then deleted the backups - the prune does here).
    for name in tls_dir_listing(args):
        if name.endswith('.tprov-backup'):
            os.unlink(os.path.join(os.path.dirname(args['tls_cert']), name))
    assert run_module('docker_daemon_config', args)['tls_unproven'] == []
    # --tags pki: a CA bundle with one more CA, installed without a restart; the served certificate is the same.
    files['files'][0]['content'] += (pki / 'ca.pem').read_text()
    assert not run_module('docker_tls_files', dict(files, backup=True)).failed
    daemon = run_module('docker_daemon_config', args)
    assert daemon['served_certificate']['matches'] and daemon['tls_unproven'] == [args['tls_ca_cert']], daemon
    assert daemon['tls_backups_removed'] == [] and [e['path'] for e in daemon['tls_restore']] == [args['tls_ca_cert']]


def test_a_check_mode_restart_of_a_host_whose_certificates_are_still_to_come_does_not_fail(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    for option in ('tls_ca_cert', 'tls_cert', 'tls_key'):
        os.unlink(args[option])
    check = run_module('docker_daemon_config', dict(args, state='restarted'), check=True)
    assert not check.failed and check['changed'] and not check['restarted'], check


def _identity_now():
    from ansible_collections.tprov.docker.plugins.module_utils import host_identity
    return host_identity.current_identity()


def test_a_host_other_than_its_recorded_identity_is_refused_before_anything_is_written(tmp_path):
    args = family_layout(tmp_path, 'Debian')
    before = snapshot(args)
    now = _identity_now()
    result = run_module('docker_daemon_config', dict(args, host_identity=dict(now, fqdn='old-name.example.test')))
    assert result.failed and result['error_kind'] == 'host_changed', result
    assert 'fqdn: old-name.example.test -> %s' % now['fqdn'] in result['msg'] and 'Nothing was written' in result['msg']
    assert result['host_identity'] == now
    assert snapshot(args) == before and not os.path.exists(args['backup_dir'])
    # The same host (or a record without an identity yet) is written, and its identity returned.
    for expected in (now, {'fqdn': now['fqdn']}, None):
        result = run_module('docker_daemon_config', dict(args, host_identity=expected))
        assert not result.failed and result['host_identity'] == now, result


def test_the_action_checks_the_record_in_host_facts_dir_and_records_the_identity(tmp_path, playbook):
    """The action reads the host's facts record on the controller: its identity goes to the module; a
    record without one gets the identity the host reported."""
    from ansible_collections.tprov.docker.plugins.plugin_utils import host_record
    args = family_layout(tmp_path, 'Debian')
    facts_dir = str(tmp_path / 'host-facts')
    record_path = host_record.record_path(facts_dir, 'localhost')
    facts = {'fqdn': 'x', 'os_family': 'Debian', 'distribution': 'Debian', 'distribution_major_version': '12',
             'python': {'executable': '/usr/bin/python3'}}
    stale = dict(host_record.new_record(facts), identity=dict(_identity_now(), os_release_version_id='0.old'))
    host_record.save(record_path, stale)
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_daemon_config: %s
      register: result
      failed_when: false
    - ansible.builtin.debug:
        msg: "RESULT {{ {'kind': result.error_kind | default(''), 'changed': result.changed} | to_json }}"
''' % json.dumps(dict(args, host_facts_dir=facts_dir))
    before = snapshot(args)
    rc, out, _recap = playbook(play)
    assert rc == 0 and 'RESULT {\\"kind\\": \\"host_changed\\", \\"changed\\": false}' in out, out
    assert snapshot(args) == before
    assert host_record.load(record_path) == stale
    # Gathered again (the record rewritten without an identity): written, and the identity recorded.
    host_record.save(record_path, host_record.new_record(facts))
    rc, out, _recap = playbook(play)
    assert rc == 0 and 'RESULT {\\"kind\\": \\"\\", \\"changed\\": true}' in out, out
    assert host_record.load(record_path)['identity'] == _identity_now()
    rc, out, _recap = playbook(play)
    assert rc == 0 and 'RESULT {\\"kind\\": \\"\\", \\"changed\\": false}' in out, out
