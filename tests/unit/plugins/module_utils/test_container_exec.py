"""container_exec's pure parts: the frame demuxer, the one-file tar writer and the streaming reader."""

import io
import os
import struct
import tarfile

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import container_exec
from ansible_collections.tprov.docker.plugins.module_utils.connection import resolve_connection
from ansible_collections.tprov.docker.plugins.module_utils.container_exec import (
    FrameDemuxer,
    can_send_stdin,
    extract_file,
    link_target,
    numeric_user,
    tar_of_file,
)


def frame(stream, payload):
    return struct.pack('>BxxxI', stream, len(payload)) + payload


def test_demuxer_splits_stdout_and_stderr_whatever_the_chunking():
    data = frame(1, b'out one\n') + frame(2, b'err\n') + frame(1, b'') + frame(1, b'out two\n')
    for size in (1, 3, 8, 9, len(data)):
        demuxer = FrameDemuxer()
        for start in range(0, len(data), size):
            demuxer.feed(data[start:start + size])
        assert demuxer.result() == (b'out one\nout two\n', b'err\n'), size


def test_demuxer_keeps_a_frame_cut_short_as_stdout():
    demuxer = FrameDemuxer()
    demuxer.feed(frame(2, b'e') + frame(1, b'truncated')[:12])
    assert demuxer.result() == (b'trun', b'e')


def body_bytes(body):
    return body if isinstance(body, bytes) else b''.join(body)


@pytest.mark.parametrize('size', [0, 5, 512, container_exec.IN_MEMORY_LIMIT + 1000])
def test_tar_of_file_keeps_content_mode_and_owner(size, tmp_path):
    path = tmp_path / 'src.bin'
    content = os.urandom(size)
    path.write_bytes(content)
    os.chmod(str(path), 0o4751)
    body = tar_of_file(str(path), 'a-name-longer-than-one-hundred-characters-' + 'x' * 80, 1001, 1002)
    # Small files go as bytes with a length, large ones as chunks.
    assert isinstance(body, bytes) is (size <= container_exec.IN_MEMORY_LIMIT)
    data = body_bytes(body)
    assert len(data) % 512 == 0
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        [member] = archive.getmembers()
        assert member.name.endswith('x' * 80) and member.size == size
        assert (member.mode, member.uid, member.gid) == (0o4751, 1001, 1002)
        assert archive.extractfile(member).read() == content


def test_a_file_that_grows_while_streamed_is_refused(tmp_path):
    path = tmp_path / 'big'
    path.write_bytes(b'a' * (container_exec.IN_MEMORY_LIMIT + 1))
    body = tar_of_file(str(path), 'big', 0, 0)
    next(body)
    with open(str(path), 'ab') as handle:
        handle.write(b'more' * 100000)
    with pytest.raises(container_exec.EngineError, match='grew while it was sent'):
        list(body)


def tar_with(member, content=b''):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w') as archive:
        archive.addfile(member, io.BytesIO(content) if content else None)
    out.seek(0)
    return out


def test_extract_file_streams_a_regular_file(tmp_path):
    info = tarfile.TarInfo('big.bin')
    content = os.urandom(3 * container_exec.CHUNK + 17)
    info.size = len(content)
    target = tmp_path / 'out'
    old = os.umask(0o027)
    try:
        assert extract_file(tar_with(info, content), str(target)) is None
    finally:
        os.umask(old)
    assert target.read_bytes() == content
    assert os.stat(str(target)).st_mode & 0o777 == 0o640


def test_extract_file_reports_a_symlink_and_refuses_a_directory(tmp_path):
    link = tarfile.TarInfo('current')
    link.type, link.linkname = tarfile.SYMTYPE, '../releases/7/app.conf'
    assert extract_file(tar_with(link), str(tmp_path / 'x')) == '../releases/7/app.conf'
    assert not (tmp_path / 'x').exists()
    directory = tarfile.TarInfo('etc')
    directory.type = tarfile.DIRTYPE
    with pytest.raises(container_exec.EngineError, match='not a regular file'):
        extract_file(tar_with(directory), str(tmp_path / 'y'))


def test_link_target():
    assert link_target('/srv/app/current', '../releases/7') == '/srv/releases/7'
    assert link_target('/srv/app/current', '/opt/x/../y') == '/opt/y'


@pytest.mark.parametrize('user,ids', [
    ('', (0, 0)), (None, (0, 0)), ('1000', (1000, 1000)), ('1000:50', (1000, 50)),
    ('app', None), ('app:staff', None), ('1000:staff', None),
])
def test_numeric_user(user, ids):
    assert numeric_user(user) == ids


def test_stdin_only_where_the_connection_can_be_half_closed(tmp_path):
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (tmp_path / name).write_text('x')
    assert can_send_stdin(resolve_connection({}, environ={}))
    assert can_send_stdin(resolve_connection({'docker_host': 'tcp://127.0.0.1:2375'}, environ={}))
    tls = resolve_connection({'docker_host': 'tcp://127.0.0.1:2376'}, environ={'DOCKER_TLS_VERIFY': '1',
                                                                               'DOCKER_CERT_PATH': str(tmp_path)})
    assert not can_send_stdin(tls)


def test_a_broken_archive_leaves_no_file(tmp_path):
    info = tarfile.TarInfo('f')
    info.size = 100000
    broken = tar_with(info, os.urandom(100000)).getvalue()[:50000]
    target = tmp_path / 'out'
    target.write_bytes(b'old')
    with pytest.raises(tarfile.TarError):
        extract_file(io.BytesIO(broken), str(target))
    assert target.read_bytes() == b'old' and os.listdir(str(tmp_path)) == ['out']
