"""The README's first command, run as a new user would: the demo secures a throwaway Docker host,
its printed docker line works when pasted, a second run changes nothing, and the teardown leaves
nothing behind (containers, volumes, files, and the images it built)."""

import os
import re
import shlex
import subprocess

from tprov_testlib import REPO_ROOT


def _run(*argv):
    return subprocess.run(list(argv), cwd=REPO_ROOT, capture_output=True, text=True, check=False)


def _volumes():
    return set(_run('docker', 'volume', 'ls', '-q').stdout.split())


def test_demo_then_teardown():
    volumes_before = _volumes()
    images_before = set(_run('docker', 'images', '--format', '{{.Repository}}:{{.Tag}}').stdout.split())
    demo = _run(os.path.join(REPO_ROOT, 'scripts', 'demo-secure-docker'))
    out = demo.stdout + demo.stderr
    assert demo.returncode == 0, out[-5000:]
    assert re.search(r'second run.*\n.*changed=0 ', out), out
    assert 'without a client certificate: refused' in out and 'port 2375 (plaintext): closed' in out

    # The line a person would paste.
    line = re.search(r'^Reach it with:\s+(docker --tlsverify .*)$', out, re.M).group(1)
    pasted = subprocess.run(shlex.split(line), capture_output=True, text=True, check=False)
    assert pasted.returncode == 0, pasted.stderr
    assert 'web' in pasted.stdout and 'worker' in pasted.stdout

    # Running it again is idempotent as a whole.
    again = _run(os.path.join(REPO_ROOT, 'scripts', 'demo-secure-docker'))
    assert again.returncode == 0 and 'first run)\n' in again.stdout
    assert again.stdout.count('changed=0 ') == 2, again.stdout

    made = open(os.path.join(REPO_ROOT, 'inventory', 'demo', '.images-made')).read().split()
    down = _run(os.path.join(REPO_ROOT, 'scripts', 'demo-teardown'))
    assert down.returncode == 0, down.stderr
    assert _run('docker', 'ps', '-aq', '--filter', 'name=tprov-demo').stdout.strip() == ''
    assert _volumes() <= volumes_before
    assert not os.path.exists(os.path.join(REPO_ROOT, 'inventory', 'demo'))
    images_after = set(_run('docker', 'images', '--format', '{{.Repository}}:{{.Tag}}').stdout.split())
    assert not (set(made) & images_after)
    assert images_after <= images_before | set()
