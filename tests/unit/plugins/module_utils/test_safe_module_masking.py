"""SafeModule: the AnsibleModule every module is built with (issue 13, items 1-2)."""

import ast
import glob
import os

from ansible_collections.tprov.docker.plugins.module_utils import safe_module as sm

from tprov_testlib import REPO_ROOT

PEM = '-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n-----END PRIVATE KEY-----\n'


def test_every_module_is_a_safe_module():
    for path in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py')):
        text = open(path).read()
        if not any(isinstance(node, ast.FunctionDef) for node in ast.parse(text).body):
            continue  # documentation only: an action plugin does the work, no module runs (test_module_shape.py)
        # run_engine_module builds the SafeModule for the modules that use it.
        assert ('SafeModule(' in text or 'run_engine_module(' in text) and 'AnsibleModule(' not in text, path


def test_secrets_at_any_depth_with_aliases_and_escaped_forms():
    spec = dict(files=dict(type='list', elements='dict', options=dict(
        content=dict(type='str', no_log=True, aliases=['body']), name=dict(type='str'))),
        token=dict(type='str', no_log=True), images=dict(type='list', elements='dict'))
    entry = dict(registry_password=dict(type='str', no_log=True), name=dict(type='str'))
    params = dict(files=[dict(name='a', content=PEM), 'junk', dict(name='b', body='s3cret')],
                  token='t0k', images=[dict(name='x', registry_password=1234), dict(name='y')])
    found = sm.secret_values(params, spec, dict(images=entry))
    assert {PEM, 's3cret', 't0k', '1234'} <= found
    assert repr(PEM)[1:-1] in found  # the form str(list) shows
    assert 'a' not in found and 'x' not in found


def test_masked_keeps_the_shape():
    spec = dict(content=dict(no_log=True), name=dict())
    assert sm._masked([dict(name='a', content=PEM), 'junk'], spec) == [dict(name='a', content=sm.MASKED), 'junk']


def test_core_invocation_line_is_masked_too(monkeypatch):
    """Defence in depth: were ansible-core's own _log_invocation to run (a release that renamed the
    hook), the secrets registered up front, in their escaped forms too, still mask its str(list) line."""
    import json
    from ansible.module_utils import basic
    args = {'ANSIBLE_MODULE_ARGS': {'files': [{'name': 'k.pem', 'content': PEM}],
                                    'images': [{'name': 'x', 'registry_password': 'pw-Secret-1'}]}}
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', json.dumps(args).encode())
    monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy', raising=False)
    logged = []
    monkeypatch.setattr(sm.SafeModule, 'log', lambda self, msg, log_args=None: logged.append((msg, log_args)))
    module = sm.SafeModule(argument_spec=dict(
        files=dict(type='list', elements='dict', options=dict(name=dict(), content=dict(no_log=True))),
        images=dict(type='list', elements='dict')),
        entry_specs=dict(images=dict(name=dict(), registry_password=dict(no_log=True))))
    basic.AnsibleModule._log_invocation(module)
    assert len(logged) == 2  # ours at construction, then core's
    for msg, log_args in logged:
        text = msg + json.dumps(log_args, default=str)
        assert 'AAAA' not in text and 'pw-Secret-1' not in text, text
        assert 'k.pem' in text


IMAGE_ENTRY = dict(name=dict(), registry_username=dict(), registry_password=dict(no_log=True))
FILES_SPEC = dict(files=dict(type='list', elements='dict', options=dict(
    name=dict(), content=dict(no_log=True), mode=dict())), images=dict(type='list', elements='dict'))


def test_unknown_keys_of_an_entry_are_registered_and_masked():
    """A misspelt key (registry_pasword, password) is refused only after the log: its value is a secret."""
    params = dict(images=[dict(name='busybox', registry_username='u', registry_pasword='Typo-S3cr3t'),
                          dict(name='app', password=dict(nested='Nested-S3cr3t'))])
    found = sm.secret_values(params, FILES_SPEC, dict(images=IMAGE_ENTRY))
    assert {'Typo-S3cr3t', 'Nested-S3cr3t'} <= found
    assert 'busybox' not in found and 'u' not in found  # known keys keep their meaning
    logged = sm._masked(params['images'], IMAGE_ENTRY)
    assert logged[0] == dict(name='busybox', registry_username='u', registry_pasword=sm.MASKED)
    assert logged[1] == dict(name='app', password=sm.MASKED)


def test_unknown_top_level_options_are_registered():
    params = dict(files=[], registry_pasword='Top-S3cr3t', _ansible_check_mode=True, _ansible_module_name='x')
    assert sm.secret_values(params, FILES_SPEC) == {'Top-S3cr3t'}


def test_wrongly_shaped_entries_register_all_their_leaves():
    """A mapping where a list of entries is expected, or a list as an entry: nothing of it is understood."""
    params = dict(files={'key.pem': dict(content=PEM, mode='0600')},
                  images=[{'alpine': dict(registry_password='Shape-S3cr3t')}, ['List-S3cr3t']])
    found = sm.secret_values(params, FILES_SPEC, dict(images=IMAGE_ENTRY))
    assert {PEM, 'Shape-S3cr3t', 'List-S3cr3t'} <= found
    assert sm._masked(params['images'], IMAGE_ENTRY) == [{'alpine': sm.MASKED}, sm.MASKED]


def test_string_entries_are_read_as_validation_reads_them():
    params = dict(images=['name=alpine registry_username=u registry_password=Str-S3cr3t', 'busybox', PEM],
                  files=['name=k.pem content=Str-PEM-S3cr3t mode=0600'])
    found = sm.secret_values(params, FILES_SPEC, dict(images=IMAGE_ENTRY))
    assert {'Str-S3cr3t', 'Str-PEM-S3cr3t', PEM} <= found
    assert not {'alpine', 'u', 'busybox', 'k.pem', '0600'} & found  # no short word masked everywhere
    logged = sm._masked(params['images'], IMAGE_ENTRY)
    assert logged == [dict(name='alpine', registry_username='u', registry_password=sm.MASKED), 'busybox', sm.MASKED]
