"""redaction.py: a keyed digest (for file digests in diffs, and env values) and credentials masked in
diff text."""

import hashlib
import os
import subprocess
import sys

import pytest

from ansible_collections.tprov.docker.plugins.module_utils.redaction import MASK, keyed_digest, redact_credentials
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import fingerprint


def test_the_digest_is_keyed_stable_within_a_run_and_differs_between_runs():
    assert keyed_digest(b'1234') == keyed_digest('1234') != keyed_digest(b'1235')
    assert keyed_digest(b'1234') != hashlib.sha256(b'1234').hexdigest()
    assert len(keyed_digest(b'x', 8)) == 8 and keyed_digest(b'x').startswith(keyed_digest(b'x', 8))
    code = ('from ansible_collections.tprov.docker.plugins.module_utils.redaction import keyed_digest; '
            'print(keyed_digest(b"1234"))')
    other = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))).stdout.strip()
    assert len(other) == 64 and other != keyed_digest(b'1234')


def test_docker_tls_files_diff_digest_cannot_be_matched_offline():
    # A low-entropy file (a 4-digit PIN, say): an unkeyed SHA-256 in the diff would give it away.
    shown = fingerprint(b'1234', 0o600)
    assert hashlib.sha256(b'1234').hexdigest() not in shown
    assert shown == fingerprint(b'1234', 0o600) != fingerprint(b'1235', 0o600)
    assert shown == 'keyed sha256 %s, mode 0600\n' % keyed_digest(b'1234')


@pytest.mark.parametrize('text,shown', [
    ('export http_proxy="http://user:p4ss@proxy:3128"\n', 'export http_proxy="http://user:%s@proxy:3128"\n' % MASK),
    ('HTTPS_PROXY=https://u:p@ss@h/x\n', 'HTTPS_PROXY=https://u:%s@h/x\n' % MASK),
    ('REGISTRY_TOKEN=abc\nDB_PASSWD="a b"\nmy_secret=\'x\'\n',
     'REGISTRY_TOKEN=%s\nDB_PASSWD="%s"\nmy_secret=\'%s\'\n' % (MASK, MASK, MASK)),
    ('{"registry-password": "pw\\"x", "Token": "t"}', '{"registry-password": "%s", "Token": "%s"}' % (MASK, MASK)),
    ('DOCKER_OPTS="-H tcp://0.0.0.0:2376 --tlsverify"\nhttp://host/x@y\n',
     'DOCKER_OPTS="-H tcp://0.0.0.0:2376 --tlsverify"\nhttp://host/x@y\n'),
    # A user name alone may be the credential (an API token): masked, as dockerd masks proxy userinfo.
    ('{"http-proxy": "http://ApiTok3nSecret@proxy:3128"}', '{"http-proxy": "http://%s@proxy:3128"}' % MASK),
    ('', ''),
])
def test_credentials_are_masked_and_everything_else_kept(text, shown):
    assert redact_credentials(text) == shown
