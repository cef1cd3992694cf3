"""The collection as users get it: built by ansible-galaxy, installed into a clean path, documented."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from tprov_testlib import REPO_ROOT

BIN = os.path.dirname(sys.executable)
MODULES = sorted(os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py')))


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    build_dir = tmp_path_factory.mktemp('build')
    install_dir = tmp_path_factory.mktemp('installed')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(build_dir),
                    REPO_ROOT], check=True, capture_output=True, text=True)
    tarballs = glob.glob(str(build_dir / 'tprov-docker-*.tar.gz'))
    assert len(tarballs) == 1
    # Without the test run's collection path: a collection found there would count as installed.
    clean = dict((k, v) for k, v in os.environ.items() if k not in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS'))
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p',
                    str(install_dir), tarballs[0]], check=True, capture_output=True, text=True, env=clean)
    path = install_dir / 'ansible_collections' / 'tprov' / 'docker'
    assert (path / 'MANIFEST.json').exists()
    return install_dir, tarballs[0]


def test_every_module_is_in_the_tarball(installed):
    install_dir = installed[0]
    shipped = sorted(os.path.splitext(p)[0] for p in os.listdir(
        str(install_dir / 'ansible_collections' / 'tprov' / 'docker' / 'plugins' / 'modules')) if p.endswith('.py'))
    assert shipped == MODULES and len(MODULES) >= 4


def test_tarball_leaves_out_the_work_tree(installed):
    with tarfile.open(installed[1]) as tar:
        names = tar.getnames()
    assert not [n for n in names if n.startswith(('.venv', '.ci', '.git/', 'tests/output'))]


# What a working checkout grows that is not the collection: venvs (the project's, the benchmarks', one
# per ansible-core release), test output (the docs site, the EE build context), caches, the demo.
WORK_TREE_LITTER = [
    '.venv/bin/python', '.venv-bench/bin/python', '.venv-core2.16/bin/python', 'benchmarks/.venv/bin/python',
    'tests/output/docs/build/html/index.html', 'tests/output/ee-build/context/Containerfile',
    'tests/output/junit.xml', '.pytest_cache/README.md', '.cache/x', 'inventory/demo/hosts.yml',
    'tprov-docker-0.0.9.tar.gz', 'plugins/modules/__pycache__/docker_api_info.cpython-311.pyc',
]


@pytest.fixture(scope='module')
def littered_build(tmp_path_factory):
    """The collection built from a copy of this checkout's files plus the litter a work tree collects."""
    tree = tmp_path_factory.mktemp('tree') / 'docker'
    listed = subprocess.run(['git', '-C', REPO_ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z'],
                            capture_output=True, text=True, check=True).stdout.split('\0')
    files = sorted(f for f in listed if f and os.path.isfile(os.path.join(REPO_ROOT, f)))
    for name in files:
        os.makedirs(str((tree / name).parent), exist_ok=True)
        shutil.copy2(os.path.join(REPO_ROOT, name), str(tree / name))
    for name in WORK_TREE_LITTER:
        os.makedirs(str((tree / name).parent), exist_ok=True)
        (tree / name).write_text('litter\n')
    out = tmp_path_factory.mktemp('out')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out), str(tree)],
                   check=True, capture_output=True, text=True)
    with tarfile.open(glob.glob(str(out / 'tprov-docker-*.tar.gz'))[0]) as tar:
        shipped = [m.name for m in tar.getmembers() if m.isfile()]
    return files, shipped


def test_tarball_ships_only_the_checkouts_files(littered_build):
    files, shipped = littered_build
    litter = [n for n in shipped if n in WORK_TREE_LITTER or n.startswith(('.venv', 'tests/output', '.cache'))]
    assert not litter, litter
    assert sorted(set(shipped) - set(files)) == ['FILES.json', 'MANIFEST.json']
    for name in files:
        if name.startswith(('plugins/', 'roles/', 'playbooks/', 'meta/')):
            assert name in shipped, name


@pytest.mark.parametrize('module', MODULES)
def test_ansible_doc_renders_from_installed_collection(installed, module):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed[0]))
    proc = subprocess.run([os.path.join(BIN, 'ansible-doc'), '--json', 'tprov.docker.%s' % module],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)['tprov.docker.%s' % module]
    assert doc['doc']['short_description'] and doc['examples'] and doc['return']
    assert doc['doc']['collection'] == 'tprov.docker'


def test_installed_module_runs(installed):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed[0]), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-c', 'local', '-m',
                           'tprov.docker.docker_api_info'], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"ServerVersion"' in proc.stdout


# A role each playbook lists in its plays (the CA rollover plays include theirs when they run, so
# --list-tasks of rotate_ca shows its pki play's).
@pytest.mark.parametrize('playbook,role', [('secure_docker', 'daemon'), ('deploy_containers', 'containers'),
                                           ('rotate_certs', 'daemon'), ('rotate_ca', 'pki')])
def test_playbooks_run_by_fqcn_from_installed_collection(installed, playbook, role, tmp_path):
    """ansible-playbook tprov.docker.<playbook>: found, parsed, roles resolved from the install."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text('docker_hosts:\n  hosts:\n    docker1:\n      ansible_host: 192.0.2.10\n')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed[0]), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', str(inventory), '--list-tasks',
                           'tprov.docker.%s' % playbook], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'tprov.docker.%s : ' % role in proc.stdout, proc.stdout
    assert str(installed[0]) in proc.stdout or 'playbook:' in proc.stdout


def test_roles_and_playbooks_are_in_the_tarball(installed):
    root = installed[0] / 'ansible_collections' / 'tprov' / 'docker'
    for role in ('common', 'pki', 'daemon', 'client', 'containers'):
        assert (root / 'roles' / role / 'meta' / 'argument_specs.yml').exists()
    # One file per job: the hyphenated name a checkout's users run is a relative link to it.
    for job in ('secure_docker', 'deploy_containers', 'rotate_certs', 'check_certs', 'rotate_ca'):
        assert (root / 'playbooks' / (job + '.yml')).is_file()
        alias = root / 'playbooks' / (job.replace('_', '-') + '.yml')
        assert alias.is_symlink() and os.readlink(str(alias)) == job + '.yml'
    assert not (root / 'inventory').exists()


def test_execution_environment_dependencies(installed):
    """ansible-builder reads what an EE needs from the installed collection's meta/ files."""
    proc = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'introspect', '--sanitize', str(installed[0])],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "requests-unixsocket>=0.3  # from collection tprov.docker" in proc.stdout
    assert "cryptography>=3.3  # from collection tprov.docker" in proc.stdout
    assert "openssh-client [platform:dpkg]  # from collection tprov.docker" in proc.stdout
    listed = proc.stdout.split('---', 1)[1]
    assert 'molecule' not in listed and 'pytest' not in listed  # test tools stay out of the EE
