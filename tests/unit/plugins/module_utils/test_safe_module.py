"""safe_module.py and engine_module.py as the glue: run_engine_module builds the module and client, runs a backend,
reports kinds."""

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes
from ansible.release import __version__ as CORE_VERSION

from ansible_collections.tprov.docker.plugins.module_utils import engine_module
from ansible_collections.tprov.docker.plugins.module_utils import safe_module as glue
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError, NotFound

# ansible-core 2.21 keeps a module's invocation only when invocation injection is on (it is off here).
INVOCATION_KEPT = tuple(int(p) for p in CORE_VERSION.split('.')[:2]) < (2, 21)


def run(monkeypatch, capsys, backend, args=None, **kwargs):
    """Run run_engine_module in this process as Ansible would; the parsed result."""
    module_args = dict(args or {}, _ansible_remote_tmp='/tmp', _ansible_keep_remote_files=False)
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': module_args})))
    monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy', raising=False)
    with pytest.raises(SystemExit):
        engine_module.run_engine_module(backend, **kwargs)
    return json.loads(capsys.readouterr().out)


def test_the_backend_result_is_the_module_result(monkeypatch, capsys):
    seen = {}

    def backend(module, client):
        seen['client'] = client
        seen['closed'] = []
        client.close = lambda: seen['closed'].append(True)
        return dict(changed=False, answer=module.params['name'])

    result = run(monkeypatch, capsys, backend, args=dict(name='x'),
                 argument_spec=dict(name=dict(type='str')), supports_check_mode=True)
    assert result['answer'] == 'x' and not result.get('failed')
    if INVOCATION_KEPT:
        assert result['invocation']['module_args']['docker_host'] == 'unix:///var/run/docker.sock'
    else:
        assert 'invocation' not in result
    assert seen['closed'] == [True]


def test_an_engine_error_fails_with_its_kind_and_details(monkeypatch, capsys):
    closed = []

    def backend(module, client):
        client.close = lambda: closed.append(True)
        raise NotFound('No such image: x', status=404).with_details(actions=['Pulled y'])

    result = run(monkeypatch, capsys, backend)
    assert result['failed'] and result['msg'] == 'No such image: x'
    assert result['error_kind'] == 'not_found' and result['actions'] == ['Pulled y']
    assert closed == [True]


def test_bad_connection_settings_fail_with_invalid_settings(monkeypatch, capsys):
    def backend(module, client):
        raise AssertionError('the backend must not run')

    result = run(monkeypatch, capsys, backend, args=dict(docker_host='ssh://h'))
    assert result['failed'] and 'unsupported scheme' in result['msg']
    assert result['error_kind'] == 'invalid_settings'


def test_missing_requests_fails_with_missing_library(monkeypatch, capsys):
    monkeypatch.setattr(engine_module, 'REQUESTS_IMPORT_ERROR', 'Traceback: no module named requests')

    def backend(module, client):
        raise AssertionError('the backend must not run')

    result = run(monkeypatch, capsys, backend)
    assert result['failed'] and 'requests' in result['msg'] and result['error_kind'] == 'missing_library'


def test_fail_with_keeps_msg_and_kind_over_details():
    class Module(object):
        def fail_json(self, **kwargs):
            raise SystemExit(kwargs)

    exc = EngineError('boom', kind='refused').with_details(msg='other', error_kind='x', actions=[])
    with pytest.raises(SystemExit) as info:
        engine_module.fail_with(Module(), exc)
    assert info.value.args[0] == dict(msg='boom', error_kind='refused', actions=[])


@pytest.mark.parametrize('args', [
    dict(count='many'),  # a wrong type
    dict(count=1, first='a', second='b'),  # mutually exclusive
    dict(count=1, bogus=True),  # an unknown option
])
def test_options_that_do_not_validate_fail_with_invalid_option(monkeypatch, capsys, args):
    def backend(module, client):
        raise AssertionError('the backend must not run')

    result = run(monkeypatch, capsys, backend, args=args,
                 argument_spec=dict(count=dict(type='int'), first=dict(type='str'), second=dict(type='str')),
                 mutually_exclusive=[('first', 'second')])
    assert result['failed'] and result['error_kind'] == 'invalid_option', result


def test_a_later_failure_without_a_kind_is_not_called_invalid_option(monkeypatch, capsys):
    def backend(module, client):
        module.fail_json(msg='something else')

    result = run(monkeypatch, capsys, backend)
    assert result['failed'] and 'error_kind' not in result


def _show(mapping):
    """A stand-in for the module's keyed digest: which value it was is visible only to the test."""
    return dict((key, 'hidden(%d)' % len('%s' % value)) for key, value in mapping.items())


@pytest.mark.parametrize('env, shown', [
    ({'DB_PASSWORD': 'secret', 'MODE': '1'}, {'DB_PASSWORD': 'hidden(6)', 'MODE': 'hidden(1)'}),
    # Wrong shapes, refused only after the log line: everything after the first '=' is hidden.
    (['DB_PASSWORD=sec=ret', 'MODE=1', 'BARE'], ['DB_PASSWORD=hidden(7)', 'MODE=hidden(1)', 'BARE']),
    ('DB_PASSWORD=secret MODE=1', {'DB_PASSWORD': 'hidden(6)', 'MODE': 'hidden(1)'}),  # dict validation's k=v
    ('{"DB_PASSWORD": "secret"}', {'DB_PASSWORD': 'hidden(6)'}),
    ([{'DB_PASSWORD': 'secret'}, 12345], [{'DB_PASSWORD': 'hidden(6)'}, 'hidden(5)']),
    (None, None),
])
def test_hide_values_shows_env_values_as_digests(env, shown):
    params = dict(env=env, name='web', labels={'tier': 'front'})
    assert glue.hide_values(params, dict(env=_show)) == dict(env=shown, name='web', labels={'tier': 'front'})
    assert params['env'] == env  # the module's own parameters are not changed


def test_hide_values_in_entries():
    params = dict(containers=[dict(name='a', env={'P': 'secret'}), 'name=b env=P=secret', 'not-an-entry'],
                  images=[dict(name='busybox')])
    assert glue.hide_values(params, dict(containers=dict(env=_show))) == dict(
        containers=[dict(name='a', env={'P': 'hidden(6)'}), dict(name='b', env={'P': 'hidden(6)'}), 'not-an-entry'],
        images=[dict(name='busybox')])


def test_hidden_values_reach_neither_the_log_line_nor_invocation(monkeypatch, capsys):
    logged = []
    monkeypatch.setattr(basic.AnsibleModule, 'log', lambda self, msg, log_args=None: logged.append(msg))
    spec = dict(env=dict(type='dict', aliases=['environment']), other=dict(type='int'))

    def backend(module, client):
        return dict(changed=False)

    for args, failed in ((dict(environment={'P': 'secret-value'}, other=1), False),
                         (dict(env={'P': 'secret-value'}, other='not-an-int'), True)):
        result = run(monkeypatch, capsys, backend, args=args, argument_spec=spec, hidden_values=dict(env=_show))
        assert bool(result.get('failed')) == failed, result
        text = json.dumps(result) + ' '.join(logged)
        assert 'secret-value' not in text, text
        if INVOCATION_KEPT:
            assert 'hidden(12)' in json.dumps(result['invocation']['module_args']), result
        else:
            assert 'invocation' not in result
    assert 'hidden(12)' in logged[0], logged


def test_a_dict_option_with_suboptions_given_no_dictionary_is_named_not_a_traceback():
    """ansible-core's suboption validation raises TypeError on ipam: false (found by the fuzz stage)."""
    from ansible_collections.tprov.docker.plugins.module_utils.safe_module import unshaped_dict_options
    spec = dict(ipam=dict(type='dict', aliases=['ip'], options=dict(driver=dict(), config=dict(type='list'))),
                labels=dict(type='dict'), name=dict())
    assert unshaped_dict_options(dict(ipam=False, labels=5, name=3), spec) == [
        ('ipam', 'ipam must be a dictionary of its suboptions (config, driver), not bool.')]
    assert unshaped_dict_options(dict(ip=[1]), spec)[0][0] == 'ip'
    assert unshaped_dict_options(dict(ipam='not a dict'), spec)[0][1].endswith('not str.')
    for fine in (None, {}, {'driver': 'x'}, 'driver=x', '{"driver": "x"}'):
        assert unshaped_dict_options(dict(ipam=fine), spec) == []
