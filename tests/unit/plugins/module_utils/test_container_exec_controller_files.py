"""container_exec's files on the controller, where root may run a play in directories other users control:
fetch writes without following a symlink another user could have planted (its temp file, its directory),
put reads size, mode and content from one open file and refuses such a symlink too.

Another local user is played by uid 65534 (nobody) owning a directory: the tests need root (chown).
"""

import io
import os
import signal
import tarfile

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import container_exec
from ansible_collections.tprov.docker.plugins.module_utils.container_exec import extract_file, tar_of_file
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError

OTHER = 65534
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='needs root to play another user (chown)')


def one_file_tar(name, content):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w') as archive:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return out.getvalue()


def others_directory(path):
    """A directory another user owns (a fetch dest in alice's tree, written as root)."""
    path.mkdir()
    os.chown(str(path), OTHER, OTHER)
    os.chmod(str(path), 0o755)
    return path


@pytest.fixture
def victim(tmp_path):
    path = tmp_path / 'victim'
    path.write_bytes(b'root only\n')
    os.chmod(str(path), 0o600)
    return path


class SwapsThePartFile(object):
    """The engine's archive; halfway through, the owner of the destination directory replaces root's
    temp file with a symlink to a root file (the review's race, made deterministic)."""

    def __init__(self, raw, directory, target):
        self.raw, self.pos, self.directory, self.target, self.swapped = raw, 0, directory, target, False

    def read(self, size=-1):
        if self.pos > 4096 and not self.swapped:
            [part] = [name for name in os.listdir(self.directory) if name.endswith(('.part', '.tmp'))]
            os.unlink(os.path.join(self.directory, part))
            os.symlink(self.target, os.path.join(self.directory, part))
            self.swapped = True
        size = len(self.raw) - self.pos if size < 0 else size
        chunk = self.raw[self.pos:self.pos + size]
        self.pos += len(chunk)
        return chunk


def test_a_temp_file_swapped_for_a_symlink_changes_nothing_it_points_to(tmp_path, victim):
    """The temp file gets its mode through its fd before any content, never a chmod by path."""
    dest = others_directory(tmp_path / 'alice')
    stream = SwapsThePartFile(one_file_tar('app.log', b'A' * 200000), str(dest), str(victim))
    old = os.umask(0o022)
    try:
        extract_file(stream, str(dest / 'app.log'))
    finally:
        os.umask(old)
    assert stream.swapped
    assert os.stat(str(victim)).st_mode & 0o777 == 0o600 and victim.read_bytes() == b'root only\n'


def test_fetch_refuses_a_symlinked_directory_another_user_planted(tmp_path):
    """dest/<host>/<path>: a directory in it that its owner replaced with a link to /etc/cron.d."""
    target = tmp_path / 'cron.d'
    target.mkdir()
    dest = others_directory(tmp_path / 'fetched')
    os.symlink(str(target), str(dest / 'cron.d'))
    with pytest.raises(EngineError, match='symbolic link in %s' % dest) as caught:
        extract_file(io.BytesIO(one_file_tar('job', b'* * * * * root id\n')), str(dest / 'cron.d' / 'job'))
    assert caught.value.kind == 'invalid_option'
    assert os.listdir(str(target)) == []


def test_fetch_follows_a_symlink_only_root_could_have_made(tmp_path):
    """A link in a directory owned by root that no one else may write (as /var/run -> /run) is followed."""
    os.chmod(str(tmp_path), 0o755)
    (tmp_path / 'real').mkdir()
    os.symlink('real', str(tmp_path / 'link'))
    extract_file(io.BytesIO(one_file_tar('f', b'content')), str(tmp_path / 'link' / 'f'))
    assert (tmp_path / 'real' / 'f').read_bytes() == b'content'
    assert sorted(os.listdir(str(tmp_path / 'real'))) == ['f']


def test_put_reads_size_mode_and_content_from_one_file(tmp_path, victim, monkeypatch):
    """The review's race: the source swapped for a symlink to a root file between a stat and an open."""
    shared = tmp_path / 'shared'
    shared.mkdir()
    os.chmod(str(shared), 0o1777)
    src = shared / 'app.conf'
    src.write_bytes(b'x' * len(victim.read_bytes()))
    real_stat = os.stat

    def stat_then_swap(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        if path == str(src):
            os.unlink(str(src))
            os.symlink(str(victim), str(src))
        return result
    monkeypatch.setattr(container_exec.os, 'stat', stat_then_swap)
    body = tar_of_file(str(src), 'app.conf', 1000, 1000)
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        [member] = archive.getmembers()
        assert archive.extractfile(member).read() == b'x' * len(b'root only\n')


def test_put_refuses_a_symlink_another_user_could_have_planted(tmp_path, victim):
    shared = tmp_path / 'shared'
    shared.mkdir()
    os.chmod(str(shared), 0o1777)
    link = shared / 'app.conf'
    os.symlink(str(victim), str(link))
    os.lchown(str(link), OTHER, OTHER)
    with pytest.raises(EngineError, match='app.conf is a symbolic link in .*refusing to follow it') as caught:
        tar_of_file(str(link), 'app.conf', 0, 0)
    assert caught.value.kind == 'invalid_option'


def test_put_follows_a_symlink_in_a_directory_only_root_writes(tmp_path):
    os.chmod(str(tmp_path), 0o755)
    (tmp_path / 'real.conf').write_bytes(b'settings')
    os.chmod(str(tmp_path / 'real.conf'), 0o640)
    os.symlink('real.conf', str(tmp_path / 'app.conf'))
    body = tar_of_file(str(tmp_path / 'app.conf'), 'app.conf', 0, 0)
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        [member] = archive.getmembers()
        assert member.mode == 0o640 and archive.extractfile(member).read() == b'settings'


def test_put_refuses_what_is_not_a_regular_file(tmp_path):
    """A FIFO planted at the source is refused at once (the open does not wait for a writer)."""
    os.mkfifo(str(tmp_path / 'fifo'))

    def blocked(_signum, _frame):
        raise AssertionError('opening the FIFO blocked')
    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(5)
    try:
        with pytest.raises(EngineError, match='not a regular file'):
            tar_of_file(str(tmp_path / 'fifo'), 'fifo', 0, 0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
