"""The collection documented like a Galaxy collection: antsibull-docs lints every plugin's and role's
docs, and the site it builds (scripts/build-docs) has a page for every module, filter and role."""

import glob
import os
import re
import subprocess

import pytest

from tprov_testlib import REPO_ROOT

DEST = os.path.join(REPO_ROOT, 'tests', 'output', 'docs')
HTML = os.path.join(DEST, 'build', 'html', 'collections', 'tprov', 'docker')


def _names(pattern):
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(REPO_ROOT, pattern)))


MODULES = _names('plugins/modules/*.py')
# Every filter a filter plugin offers (its FilterModule's keys), whether or not it has a sidecar doc.
FILTERS = sorted(set(name for path in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'filter', '*.py'))
                     for name in re.findall(r"'(docker_\w+)': docker_\w+", open(path, encoding='utf-8').read())))
ROLES = sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
               for p in glob.glob(os.path.join(REPO_ROOT, 'roles', '*', 'meta', 'argument_specs.yml')))


@pytest.fixture(scope='module')
def site():
    proc = subprocess.run([os.path.join(REPO_ROOT, 'scripts', 'build-docs'), DEST],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    return proc.stdout


def test_lint_collection_docs_is_clean(site):
    # build-docs stops before the site when the linter reports anything; it ran and said nothing.
    lint = site.split('== antsibull-docs lint-collection-docs --plugin-docs\n', 1)[1].split('== ', 1)[0]
    assert lint.strip() == ''


@pytest.mark.parametrize('name,kind', [(m, 'module') for m in MODULES] + [(f, 'filter') for f in FILTERS]
                         + [(r, 'role') for r in ROLES])
def test_site_has_a_page(site, name, kind):
    page = os.path.join(HTML, '%s_%s.html' % (name, kind))
    assert os.path.exists(page), sorted(os.listdir(HTML))
    text = open(page, encoding='utf-8').read()
    assert 'tprov.docker.%s' % name in text
    # A rendered page, not an error stub: the title names it, and it has its sections.
    assert re.search(r'<h1>tprov\.docker\.%s %s' % (name, kind), text), page
    assert ('>Entry point' in text) if kind == 'role' else ('>Synopsis<' in text and '>Examples<' in text), page


def test_site_index_links_every_page(site):
    index = open(os.path.join(HTML, 'index.html'), encoding='utf-8').read()
    pages = [(m, 'module') for m in MODULES] + [(f, 'filter') for f in FILTERS] + [(r, 'role') for r in ROLES]
    for name, kind in pages:
        assert 'href="%s_%s.html' % (name, kind) in index, name
    assert len(MODULES) >= 10 and len(FILTERS) >= 6 and len(ROLES) == 5  # docker_copy_backup kept, deprecated
    assert FILTERS == _names('plugins/filter/*.yml')


def test_readme_points_at_every_modules_docs():
    """The README's module list: an ansible-doc line and the built page for each module."""
    readme = open(os.path.join(REPO_ROOT, 'README.md'), encoding='utf-8').read()
    for name in MODULES:
        assert re.search(r'^ansible-doc tprov\.docker\.%s +# %s_module\.html$' % (name, name), readme, re.M), name
    assert 'tests/output/docs/build/html/collections/tprov/docker/' in readme
