"""meta/runtime.yml's requires_ansible states exactly the ansible-core range the matrix tests."""

import os
import re

import yaml

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import TESTED_CORE
from tprov_testlib import REPO_ROOT


def matrix_versions():
    text = open(os.path.join(REPO_ROOT, 'tests', 'matrix', 'run-matrix.sh')).read()
    versions = []
    for name in ('HOST_VERSIONS', 'TRIXIE_VERSIONS'):
        versions += re.search(r'^%s=\(([^)]*)\)' % name, text, re.M).group(1).split()
    return [tuple(int(p) for p in v.split('.')) for v in versions]


def test_requires_ansible_is_the_tested_range():
    versions = matrix_versions()
    minors = sorted(set(v[:2] for v in versions))
    # Every minor between the lowest and the newest, none skipped.
    assert minors == [(2, m) for m in range(minors[0][1], minors[-1][1] + 1)]
    runtime = yaml.safe_load(open(os.path.join(REPO_ROOT, 'meta', 'runtime.yml')))
    assert runtime['requires_ansible'] == '>=%d.%d.0,<%d.%d.0' % (minors[0] + (minors[-1][0], minors[-1][1] + 1))
    # The in-process adapter is enabled only on releases the matrix runs.
    assert set(TESTED_CORE) <= set('%d.%d' % m for m in minors)
