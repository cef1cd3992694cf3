"""daemon.json from inventory: merging declared keys over the file, and deciding restart or reload."""

import json

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import daemon_config as dc

HARDENED = {'live-restore': True, 'icc': False, 'no-new-privileges': True, 'userland-proxy': False,
            'log-driver': 'json-file', 'log-opts': {'max-size': '10m', 'max-file': '3'}}


def test_defaults_fill_an_absent_file():
    text, wanted, kept = dc.merge_daemon_options(None, '/etc/docker/daemon.json', {}, HARDENED)
    assert json.loads(text) == HARDENED and wanted == HARDENED and kept == {}


def test_keys_the_file_has_and_nobody_declares_are_kept():
    text, _w, _k = dc.merge_daemon_options('{"data-root": "/srv/docker", "icc": true}', 'p', {}, {'live-restore': True})
    assert json.loads(text) == {'data-root': '/srv/docker', 'icc': True, 'live-restore': True}


def test_a_default_does_not_override_an_administrators_value_but_an_option_does():
    current = '{"log-driver": "journald", "icc": true}'
    text, wanted, kept = dc.merge_daemon_options(current, 'p', {'icc': False}, HARDENED)
    data = json.loads(text)
    # json-file's rotation options would stop dockerd under journald: that default waits too.
    assert data['log-driver'] == 'journald' and 'log-opts' not in data
    assert kept == {'log-driver': 'p sets "journald"',
                    'log-opts': 'the log driver is journald, which takes no max-size / max-file'}
    assert data['icc'] is False and wanted['icc'] is False
    assert wanted['log-driver'] == 'journald'


def test_null_turns_a_default_off_and_leaves_the_file_as_it_is():
    text, wanted, _k = dc.merge_daemon_options('{"icc": true}', 'p', {'icc': None, 'userland-proxy': None}, HARDENED)
    data = json.loads(text)
    assert data['icc'] is True and 'userland-proxy' not in data
    assert 'icc' not in wanted and 'userland-proxy' not in wanted


def test_nothing_to_change_returns_the_text_untouched():
    current = '{ "live-restore" : true }\n'
    assert dc.merge_daemon_options(current, 'p', {'live-restore': True}, {})[0] is current
    assert dc.merge_daemon_options(None, 'p', {}, {})[0] is None


@pytest.mark.parametrize('key', ['hosts', 'tlsverify', 'tlscert'])
@pytest.mark.parametrize('option', ['daemon_options', 'daemon_default_options'])
def test_keys_passed_as_flags_are_refused_naming_the_option(key, option):
    args = {'daemon_options': {}, 'daemon_default_options': {}}
    args[option] = {key: 'x'}
    with pytest.raises(dc.DaemonConfigError) as err:
        dc.merge_daemon_options(None, 'p', args['daemon_options'], args['daemon_default_options'])
    assert err.value.kind == 'invalid_option'
    assert option in str(err.value) and key in str(err.value)


def test_a_broken_file_is_named():
    with pytest.raises(dc.DaemonConfigError, match='/etc/docker/daemon.json is not valid JSON'):
        dc.merge_daemon_options('{', '/etc/docker/daemon.json', {'debug': True}, {})


def test_changed_keys():
    assert dc.changed_keys('{"a": 1, "b": 2}', '{"a": 1, "b": 3, "c": 4}', 'p') == ['b', 'c']
    assert dc.changed_keys(None, '{"a": 1}', 'p') == ['a']


INFO = {'LiveRestoreEnabled': False, 'Debug': False, 'LoggingDriver': 'json-file',
        'SecurityOptions': ['name=apparmor', 'name=seccomp,profile=default'], 'Labels': ['b=2', 'a=1']}


def test_served_differences_reads_what_info_reports():
    wanted = {'live-restore': True, 'debug': False, 'log-driver': 'json-file', 'no-new-privileges': True,
              'labels': ['a=1', 'b=2'], 'icc': False}
    # no-new-privileges and icc: not judged by /info (dockerd 20.10 does not list no-new-privileges).
    assert dc.served_differences(wanted, INFO) == {'live-restore': False}
    assert dc.served_differences(wanted, dict(INFO, LiveRestoreEnabled=True)) == {}
    assert dc.served_differences({'labels': ['a=1']}, INFO) == {'labels': ['a=1', 'b=2']}


def test_userns_remap_and_unreported_keys_are_not_judged_by_info():
    # /info shows only that remapping is on, not to which user: a change must come from the file.
    assert dc.served_differences({'userns-remap': 'alice:alice', 'icc': False}, dict(INFO, SecurityOptions=['name=userns'])) == {}


def test_repeated_labels_are_compared_as_dockerd_keeps_them():
    assert dc.served_differences({'labels': ['a=1', 'a=1', 'b=2']}, INFO) == {}


@pytest.mark.parametrize('key,value', [('icc', 'false'), ('max-concurrent-downloads', '3'), ('debug', 1),
                                       ('log-opts', 'max-size=1m'), ('labels', 'a=1'), ('shutdown-timeout', True)])
def test_values_of_the_wrong_type_are_refused_naming_the_key(key, value):
    with pytest.raises(dc.DaemonConfigError) as err:
        dc.merge_daemon_options(None, 'p', {key: value}, {})
    assert err.value.kind == 'invalid_option' and '"%s" must be' % key in str(err.value)


def test_log_opts_follow_a_declared_rotating_driver():
    _t, wanted, kept = dc.merge_daemon_options('{"log-driver": "journald"}', 'p', {'log-driver': 'local'}, HARDENED)
    assert wanted['log-opts'] == HARDENED['log-opts'] and 'log-opts' not in kept


@pytest.mark.parametrize('file_keys,served,files,action', [
    ([], [], False, None),
    (['debug'], [], False, 'reload'),
    ([], ['live-restore'], False, 'reload'),
    (['debug', 'labels'], ['live-restore'], False, 'reload'),
    (['icc'], [], False, 'restart'),
    (['debug'], ['no-new-privileges'], False, 'restart'),
    (['debug'], [], True, 'restart'),
    ([], [], True, 'restart'),
])
def test_apply_action(file_keys, served, files, action):
    assert dc.apply_action(file_keys, served, files) == action


def test_command_line_keys():
    argv = ['/usr/sbin/dockerd', '-H', 'fd://', '-D', '--log-driver=journald', '--label', 'a=1', '--iptables=false',
            '--log-opt', 'max-size=1m', '$DOCKER_OPTS', '-Hunix:///run/x.sock']
    keys = dc.command_line_keys(argv)
    assert keys['debug'] == '-D' and keys['log-driver'] == '--log-driver=journald' and keys['labels'] == '--label'
    assert keys['log-opts'] == '--log-opt' and keys['iptables'] == '--iptables=false' and keys['hosts'] == '-H'
    assert 'fd://' not in keys and '$DOCKER_OPTS' not in keys


def test_a_default_the_command_line_sets_is_not_applied_and_an_option_is_refused():
    command_line = dc.command_line_keys(['dockerd', '--log-driver=journald'])
    text, wanted, kept = dc.merge_daemon_options(None, 'p', {}, HARDENED, command_line=command_line)
    assert 'log-driver' not in json.loads(text) and kept['log-driver'] == 'the command line sets --log-driver=journald'
    assert 'log-opts' in kept
    with pytest.raises(dc.DaemonConfigError) as err:
        dc.merge_daemon_options(None, 'p', {'log-driver': 'local'}, {}, command_line=command_line)
    assert err.value.kind == 'invalid_option' and '--log-driver=journald' in str(err.value)


@pytest.mark.parametrize('where', ['flag', 'file', 'option'])
def test_icc_and_userland_proxy_defaults_wait_for_iptables(where):
    current = '{"iptables": false}' if where == 'file' else None
    options = {'iptables': False} if where == 'option' else {}
    command_line = dc.command_line_keys(['dockerd', '--iptables=false']) if where == 'flag' else {}
    text, wanted, kept = dc.merge_daemon_options(current, 'p', options, HARDENED, command_line=command_line)
    assert sorted(k for k in kept if 'iptables is off' in kept[k]) == ['icc', 'userland-proxy']
    assert 'icc' not in json.loads(text) and wanted['live-restore'] is True


def test_live_restore_default_is_not_applied_on_a_swarm_node():
    _t, wanted, kept = dc.merge_daemon_options(None, 'p', {}, {'live-restore': True}, swarm=True)
    assert 'live-restore' not in wanted and 'swarm' in kept['live-restore']


@pytest.mark.parametrize('argv, value', [
    (['dockerd', '--config-file=/a.json'], '/a.json'),
    (['dockerd', '--config-file', '/a.json', '-H', 'fd://'], '/a.json'),
    (['dockerd', '--config-file', '/a.json', '--config-file=/b.json'], '/b.json'),  # the last one counts
    (['dockerd', '--config-file=/a.json', '--config-file', '/b.json'], '/b.json'),
    (['dockerd', '--config-file', '$CFG'], '$CFG'),  # a variable the caller could not resolve: told apart there
    (['dockerd', '--config-file', '--debug'], '--debug'),  # dockerd's parser takes the next word, whatever it is
    (['dockerd', '--config-file='], ''),
    (['dockerd', '--config-file'], None),
    (['dockerd', '--config-filex=/a.json', '--debug'], None),
    (['--config-file', '/a.json'], '/a.json'),  # an environment file's words: no binary first
    ([], None),
])
def test_flag_value_reads_both_forms_of_a_flag(argv, value):
    assert dc.flag_value(argv, ('--config-file',)) == value


def test_with_variable_words_passes_the_variable_as_systemd_does():
    argv = ['dockerd', '-H', 'fd://', '$DOCKER_OPTS', '--config-file', '/unit.json', '${DOCKER_OPTS}', '--x=$DOCKER_OPTS']
    value = '--config-file /env.json'
    # $VAR: the value's words; ${VAR}: the value as one argument; inside a longer word: left as it is.
    assert dc.with_variable_words(argv, 'DOCKER_OPTS', value) == [
        'dockerd', '-H', 'fd://', '--config-file', '/env.json', '--config-file', '/unit.json', '--config-file /env.json',
        '--x=$DOCKER_OPTS']
    # In the unit's order: the unit's flag after the variable wins, as for dockerd.
    assert dc.flag_value(dc.with_variable_words(['dockerd', '$DOCKER_OPTS', '--config-file', '/unit.json'],
                                                'DOCKER_OPTS', value), ('--config-file',)) == '/unit.json'
    assert dc.with_variable_words(['dockerd', '$DOCKER_OPTS'], 'DOCKER_OPTS', '') == ['dockerd']
    assert dc.with_variable_words(['dockerd', '$DOCKER_OPTS'], 'DOCKER_OPTS', dc.words_value(['--label', 'a b'])) == [
        'dockerd', '--label', 'a b']


UNIT = '[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n'


@pytest.mark.parametrize('dropins, from_file', [
    ([], True),
    (['[Service]\nEnvironmentFile=\nEnvironmentFile=-/etc/docker/mine.env\n'], False),  # reset, another file
    (['[Service]\nEnvironmentFile=/etc/docker/more.env\n'], False),  # a later file may set it
    (['[Service]\nEnvironment="DOCKER_OPTS=--debug"\n'], False),
    (['[Service]\nEnvironment=OTHER=1\n'], True),
    (['[Service]\nEnvironmentFile=\n'], False),
    (['[Unit]\nEnvironmentFile=/etc/docker/more.env\n'], True),  # not the service's
])
def test_environment_from_file_follows_systemds_reading_of_the_unit(dropins, from_file):
    assert dc.environment_from_file([UNIT] + dropins, '/etc/default/docker', 'DOCKER_OPTS') is from_file
