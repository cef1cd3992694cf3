"""SafeModule: the AnsibleModule every module is built with (issue 13, items 1-2)."""

import glob
import os

from ansible_collections.tprov.docker.plugins.module_utils import safe_module as sm

from tprov_testlib import REPO_ROOT

PEM = '-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n-----END PRIVATE KEY-----\n'


def test_every_module_is_a_safe_module():
    for path in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py')):
        text = open(path).read()
        assert 'SafeModule(' in text and 'AnsibleModule(' not in text, path


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
