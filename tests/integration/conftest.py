"""Fixtures that talk to the real Docker engine on this machine (never a fake one).

The test bed (tests/testbed/ensure-engine.sh) starts dockerd; these fixtures build the offline
images, save archives for ``source: load``, and start a second dockerd that listens only with
``--tlsverify`` on a loopback port, using certificates issued by docker_tls_cert (engine_bed.py).
"""

import os
import shutil
import tempfile
import uuid

import pytest

from engine_bed import (
    BUSYBOX,
    DOCKER_SOCK,
    TLSDaemon,
    ansible_playbook,
    build_busybox,
    engine_answers,
    free_port,
    issue_pki,
)
from tprov_testlib import docker


@pytest.fixture(scope='session', autouse=True)
def engine():
    if not engine_answers():
        pytest.fail('No Docker engine answers on %s: run tests/testbed/ensure-engine.sh first '
                    '(scripts/test-all does).' % DOCKER_SOCK)
    return DOCKER_SOCK


@pytest.fixture(scope='session')
def busybox_image(engine):
    if docker('image', 'inspect', BUSYBOX, check=False).returncode != 0:
        build_busybox(BUSYBOX)
    return BUSYBOX


@pytest.fixture(scope='session')
def workdir():
    path = tempfile.mkdtemp(prefix='tprov-it-')
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope='session')
def busybox_archive(busybox_image, workdir):
    """A ``docker save`` archive of the busybox test image, and its image id."""
    path = os.path.join(workdir, 'busybox.tar')
    docker('save', '-o', path, busybox_image)
    image_id = docker('image', 'inspect', '--format', '{{.Id}}', busybox_image).stdout.strip()
    return path, image_id


@pytest.fixture
def unique_name():
    """A name no other test (or earlier run) uses; its images and containers are removed after."""
    name = 'tprov-it-%s' % uuid.uuid4().hex[:10]
    yield name
    ids = docker('ps', '-aq', '--filter', 'name=%s' % name, check=False).stdout.split()
    if ids:
        docker('rm', '-f', '-v', *ids, check=False)
    images = docker('images', '--format', '{{.Repository}}:{{.Tag}}', check=False).stdout.split()
    doomed = [i for i in images if i.startswith('tprov-it/%s' % name) or i.startswith(name)]
    if doomed:
        docker('rmi', '-f', *doomed, check=False)


@pytest.fixture(scope='session')
def tls_daemon(engine, workdir):
    base = os.path.join(workdir, 'tlsd')
    os.makedirs(base)
    pki = issue_pki(os.path.join(workdir, 'pki'))
    daemon = TLSDaemon(base, pki, free_port(), 'tprovit%d' % (os.getpid() % 10000))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope='session')
def foreign_pki(workdir):
    """A second CA with its own client: a certificate the TLS daemon must refuse."""
    return issue_pki(os.path.join(workdir, 'foreign-pki'))


@pytest.fixture
def playbook(workdir):
    def _run(text, *extra_args, **kwargs):
        return ansible_playbook(text, workdir, extra_args, **kwargs)
    return _run
