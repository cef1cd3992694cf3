"""Molecule scenarios as tests, so the README's test command runs them and counts them.

Each scenario starts a throwaway Debian host (systemd + docker.io, built once per run by
tests/testbed/build-host-image.sh) and runs playbooks/secure_docker.yml against it over SSH.
Molecule's own output goes to a log file; a failure shows its tail.
"""

import os
import subprocess
import sys
import uuid

import pytest

from tprov_testlib import COLLECTIONS_DIR, REPO_ROOT

TESTBED = os.path.join(REPO_ROOT, 'tests', 'testbed')
# Two engine generations: Debian 12's docker.io 20.10 (API 1.41) and Debian 13's 26.1 (API 1.45); and
# the Red Hat family's layout on the Debian 12 host (not a Red Hat host: see build-redhat-layout-image.sh).
HOST_IMAGES = {'bookworm': 'tprov-test/docker-host:bookworm', 'trixie': 'tprov-test/docker-host:trixie'}
REDHAT_LAYOUT = ('rocky-layout', 'tprov-test/docker-host:rocky-layout')


@pytest.fixture(scope='session')
def images():
    subprocess.run([os.path.join(TESTBED, 'ensure-engine.sh')], check=True)
    if subprocess.run(['docker', 'image', 'inspect', 'tprov-test/busybox:latest'],
                      capture_output=True, check=False).returncode != 0:
        subprocess.run([os.path.join(TESTBED, 'build-busybox-image.sh'), 'tprov-test/busybox:latest'], check=True)
    for suite, image in HOST_IMAGES.items():
        subprocess.run([os.path.join(TESTBED, 'build-host-image.sh'), image, suite], check=True)
    subprocess.run([os.path.join(TESTBED, 'build-redhat-layout-image.sh'), REDHAT_LAYOUT[1], HOST_IMAGES['bookworm']],
                   check=True)
    built = dict(HOST_IMAGES)
    built[REDHAT_LAYOUT[0]] = REDHAT_LAYOUT[1]
    return built


# lifecycle has a Debian 12 and a Debian 13 host of its own (its suite only names the run).
@pytest.mark.parametrize('scenario,suite', [('default', 'bookworm'), ('failure', 'bookworm'), ('default', 'trixie'),
                                            ('redhat', 'rocky-layout'), ('lifecycle', 'bookworm')])
def test_scenario(images, scenario, suite, tmp_path):
    secrets = tmp_path / 'keys'
    secrets.mkdir()
    env = dict(os.environ, TPROV_RUN_ID=uuid.uuid4().hex[:8], TPROV_COLLECTIONS_DIR=COLLECTIONS_DIR,
               TPROV_HOST_IMAGE=images[suite], ANSIBLE_FORCE_COLOR='0', PY_COLORS='0', NO_COLOR='1',
               TPROV_SECRET_DUMP=str(secrets),
               # Molecule's own working files per run: two checkouts testing the same scenario at once
               # would otherwise share ~/.ansible/tmp/molecule.*.<scenario> and destroy each other's hosts.
               MOLECULE_EPHEMERAL_DIRECTORY=str(tmp_path / 'ephemeral'),
               # lifecycle's poller log, journals, playbook logs and metrics.json, kept after the scenario.
               TPROV_LIFECYCLE_DIR=str(tmp_path / 'lifecycle'))
    venv_bin = os.path.dirname(os.path.abspath(sys.executable))
    env['PATH'] = venv_bin + os.pathsep + env.get('PATH', '')
    log = tmp_path / ('molecule-%s-%s.log' % (scenario, suite))
    with open(log, 'wb') as handle:
        result = subprocess.run(['molecule', 'test', '-s', scenario], cwd=os.path.join(REPO_ROOT, 'tests'),
                                env=env, stdout=handle, stderr=subprocess.STDOUT, check=False)
    text = log.read_text(errors='replace')
    assert result.returncode == 0, 'molecule test -s %s on %s failed (log %s):\n%s' % (
        scenario, suite, log, text[-6000:])
    if scenario == 'default':
        assert_no_secrets(text, secrets)
    if scenario == 'lifecycle':
        # The unreachable time per host and the runs' times (issue 14's closing note), in the test's output.
        print(''.join(line for line in text.splitlines(True) if 'LIFECYCLE METRICS' in line))


def key_bodies(directory):
    """The base64 lines of every private key the run made (CA, server, clients)."""
    bodies = []
    for root, _dirs, files in os.walk(str(directory)):
        for name in files:
            data = open(os.path.join(root, name), errors='replace').read()
            if 'PRIVATE KEY' in data:
                # Short last lines ("nQ==") could match by chance; full 64-character lines cannot.
                bodies.extend(line for line in data.splitlines() if len(line) >= 40 and not line.startswith('-----'))
    return bodies


def assert_no_secrets(text, directory):
    """The scenario ran every playbook with -vvv and --diff: no key material, no CA passphrase."""
    bodies = key_bodies(directory)
    assert len(bodies) >= 4 * 2, 'the keys were not handed over: %d lines' % len(bodies)
    leaked = [line for line in bodies if line in text]
    assert not leaked, 'private key material in the output: %d lines' % len(leaked)
    assert 'PRIVATE KEY' not in text
    assert 'molecule-ca-passphrase-Zq8v' not in text
    assert 'molecule-registry-pw-K7r2' not in text
    assert 'ESTABLISH SSH CONNECTION' in text, 'the output is not -vvv'
