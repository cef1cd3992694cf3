# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commands and files inside a running container, through the Engine API: exec and archive.

Used by the connection plugin tprov.docker.docker_api. Everything goes through the collection's
:class:`~.engine_client.EngineClient` except the output of ``POST /exec/{id}/start``: the daemon
hijacks that connection and streams until the command ends, which may be long after any read
timeout, so it is read here from a socket of its own, opened from the same
:class:`~.connection.ConnectionSettings` (unix socket, TCP or mutual TLS). Every read on it has a
timeout; when one passes, the exec's state is asked through the client, so a command that runs
quietly is waited for and a stream the daemon left open after the command ended (or a daemon that
is gone) ends in an error naming the cause, never a hang.

The frame demuxer and the tar writer and reader are pure and tested on their own.

Files on the controller are opened the way tls_files opens a destination (root may run the play in
directories other users control): each directory from / through an fd, O_NOFOLLOW, following a
symbolic link only where root (or the user running the play) alone could have planted it - in a
directory owned by one of them that no one else may write. A fetched file is created in its
directory's fd (O_EXCL, its mode before its content) and renamed there; a put file is read, sized and
moded through one fd.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os
import re
import socket
import ssl
import stat
import struct
import tarfile
import time
from urllib.parse import quote

try:
    from requests.exceptions import RequestException
    from urllib3.exceptions import HTTPError as TransportError
    from urllib3.exceptions import ReadTimeoutError
except ImportError:  # the client reports the missing library before a stream is read; nothing to catch
    RequestException = TransportError = ReadTimeoutError = ()

from ansible_collections.tprov.docker.plugins.module_utils.diagnosis import explain_connection_error, explain_http_error
from ansible_collections.tprov.docker.plugins.module_utils.errors import (
    Conflict,
    EngineAPIError,
    EngineConnectionError,
    EngineError,
    NotFound,
)
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import create_temp_at, only_root_or_we_can_write
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import FilesError, open_directory

STDOUT, STDERR = 1, 2
BLOCK = 512
CHUNK = 64 * 1024
# A file up to this size is put as one tar in memory; a larger one is streamed in CHUNKs.
IN_MEMORY_LIMIT = 1024 * 1024
MAX_HEAD = 64 * 1024
MAX_LINKS = 20
# Seconds a container being killed may still be reported running after a command in it died of the kill.
SIGNAL_SETTLE = 1.5


class ContainerUnavailable(EngineError):
    """The container is missing or not running; ``kind`` is not_found or conflict."""


class FrameDemuxer(object):
    """Splits the engine's multiplexed stream (8-byte header: stream, 0, 0, 0, big-endian size) as it arrives."""

    def __init__(self):
        self._pending = bytearray()
        self.stdout = []
        self.stderr = []

    def feed(self, data):
        self._pending += data
        offset = 0
        while len(self._pending) - offset >= 8:
            kind = self._pending[offset]
            size = struct.unpack('>I', bytes(self._pending[offset + 4:offset + 8]))[0]
            if len(self._pending) - offset < 8 + size:
                break
            payload = bytes(self._pending[offset + 8:offset + 8 + size])
            offset += 8 + size
            # stdin (0) is never echoed without a TTY; anything else the engine marks as stdout.
            (self.stderr if kind == STDERR else self.stdout).append(payload)
        # One cut per chunk received, not one per frame: a large output stays linear.
        del self._pending[:offset]

    def result(self):
        """(stdout, stderr) as bytes; a frame cut short by the end of the stream is kept as stdout."""
        tail = bytes(self._pending[8:]) if len(self._pending) > 8 else b''
        return b''.join(self.stdout) + tail, b''.join(self.stderr)


def tar_member(arcname, size, mode, uid, gid, mtime):
    """The tar header (PAX, so long names and big sizes fit) of one regular file."""
    info = tarfile.TarInfo(arcname)
    info.size = size
    info.mode = stat.S_IMODE(mode)
    info.uid, info.gid = uid, gid
    info.mtime = int(mtime)
    info.type = tarfile.REGTYPE
    return info.tobuf(format=tarfile.PAX_FORMAT)


def _controller_error(exc):
    """A refusal of tls_files' directory walk as this module's error (its message names a dest: option)."""
    return EngineError(re.sub(r'^dest: ', '', str(exc)), kind='invalid_option')


def open_source(path):
    """fd (read-only) of the controller's regular file ``path``, reached as the module docstring says;
    a symbolic link at ``path`` itself is followed under the same rule."""
    for _hop in range(MAX_LINKS):
        directory, name = os.path.split(os.path.abspath(path))
        try:
            dir_fd = open_directory(directory)
        except FilesError as exc:
            raise _controller_error(exc)
        except OSError as exc:  # a directory on the way we may pass but not open (mode 0711)
            raise EngineError('Cannot read %s on the controller: %s: %s' % (path, directory, exc.strerror))
        if dir_fd is None:
            raise EngineError('%s does not exist on the controller.' % path, kind='not_found')
        try:
            try:
                # O_NONBLOCK: a FIFO planted at path is refused below instead of blocking the run.
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise EngineError('Cannot read %s on the controller: %s' % (path, exc.strerror),
                                      kind='not_found' if exc.errno == errno.ENOENT else 'engine_error')
                if not only_root_or_we_can_write(os.fstat(dir_fd)):
                    raise EngineError('%s is a symbolic link in %s, which a user other than root%s can write (and '
                                      'so could have planted it); refusing to follow it. Give the real path.'
                                      % (path, directory, '' if os.geteuid() == 0 else ' and you'),
                                      kind='invalid_option')
                path = os.path.join(directory, os.readlink(name, dir_fd=dir_fd))
                continue
        finally:
            os.close(dir_fd)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise EngineError('%s is not a regular file; only files are put.' % path, kind='invalid_option')
        return fd
    raise EngineError('%s: more than %d symbolic links.' % (path, MAX_LINKS), kind='invalid_option')


def tar_of_file(path, arcname, uid, gid):
    """A one-file tar of ``path`` with its mode, owned by uid:gid.

    Bytes up to IN_MEMORY_LIMIT (sent with a Content-Length); above, a generator reading the file in
    CHUNKs (sent chunked), so a large file never sits in memory whole. Size, mode and content come
    from one open file (open_source): a path swapped between a stat and an open cannot mix two files.
    """
    handle = os.fdopen(open_source(path), 'rb')
    st = os.fstat(handle.fileno())
    header = tar_member(arcname, st.st_size, st.st_mode, uid, gid, st.st_mtime)
    padding = b'\0' * (-st.st_size % BLOCK)
    trailer = b'\0' * (2 * BLOCK)
    if st.st_size <= IN_MEMORY_LIMIT:
        with handle:
            content = handle.read(st.st_size + 1)
        if len(content) != st.st_size:
            raise EngineError('%s changed size while it was read; put it again.' % path)
        return header + content + padding + trailer

    def stream():
        sent = 0
        with handle:
            yield header
            while True:
                chunk = handle.read(CHUNK)
                if not chunk:
                    break
                sent += len(chunk)
                if sent > st.st_size:
                    raise EngineError('%s grew while it was sent; put it again.' % path)
                yield chunk
        if sent != st.st_size:
            raise EngineError('%s shrank while it was sent; put it again.' % path)
        yield padding + trailer
    return stream()


def extract_file(fileobj, out_path):
    """Write the first member of the tar stream ``fileobj`` to out_path.

    Returns None for a regular file, or the link target when the member is a symbolic link (the
    caller asks for the target). Read as a stream ('r|'), in CHUNKs: a large file is never in memory.
    """
    with tarfile.open(fileobj=fileobj, mode='r|') as archive:
        for member in archive:
            if member.issym():
                return member.linkname
            if not member.isfile():
                raise EngineError('%s is not a regular file in the container (tar type %r); fetch only copies files.'
                                  % (member.name, member.type))
            source = archive.extractfile(member)
            _write_beside(source, out_path)
            return None
    raise EngineError('The engine sent an empty archive for %s.' % out_path)


def _write_beside(source, out_path):
    """Stream ``source`` to out_path: a temp file beside it, renamed over it (a failed transfer leaves no
    half file), both through the directory's fd (see the module docstring)."""
    directory, name = os.path.split(os.path.abspath(out_path))
    try:
        dir_fd = open_directory(directory)
    except FilesError as exc:
        raise _controller_error(exc)
    if dir_fd is None:
        raise EngineError('The directory %s does not exist on the controller.' % directory, kind='not_found')
    try:
        fd, partial = create_temp_at(dir_fd, name)
        try:
            with os.fdopen(fd, 'wb') as handle:
                umask = os.umask(0)
                os.umask(umask)
                # What open() would have made, not 0600; set on the fd before a byte is written.
                os.fchmod(handle.fileno(), 0o666 & ~umask)
                while True:
                    chunk = source.read(CHUNK)
                    if not chunk:
                        break
                    handle.write(chunk)
            os.replace(partial, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            try:
                os.unlink(partial, dir_fd=dir_fd)
            except FileNotFoundError:
                pass
            raise
    finally:
        os.close(dir_fd)


def link_target(path, linkname):
    """The absolute path a symbolic link at ``path`` pointing to ``linkname`` names."""
    if linkname.startswith('/'):
        return os.path.normpath(linkname)
    return os.path.normpath(os.path.join(os.path.dirname(path), linkname))


def numeric_user(user):
    """(uid, gid) for a user spec that is numeric ('1000', '1000:1000', '' = root), else None."""
    user = (user or '').strip()
    if not user:
        return 0, 0
    name, _sep, group = user.partition(':')
    if name.isdigit() and (not group or group.isdigit()):
        uid = int(name)
        return uid, int(group) if group else uid
    return None


def _split_netloc(base_url):
    netloc = base_url.split('://', 1)[1]
    host, _sep, port = netloc.rpartition(':')
    return host.strip('[]'), int(port)


def open_stream_socket(settings, timeout):
    """A connected socket (TLS-wrapped and verified as the client's session is) to the daemon."""
    try:
        if settings.socket_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(settings.socket_path)
            except BaseException:
                sock.close()
                raise
            return sock
        host, port = _split_netloc(settings.base_url)
        sock = socket.create_connection((host, port), timeout)
        if not settings.use_tls:
            return sock
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if settings.verify:
            context.load_verify_locations(cafile=settings.ca_path)
        else:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if settings.client_cert:
            context.load_cert_chain(settings.client_cert, settings.client_key)
        try:
            return context.wrap_socket(sock, server_hostname=settings.tls_hostname or host)
        except BaseException:
            sock.close()
            raise
    except OSError as exc:
        kind, message = explain_connection_error(exc, settings)
        raise EngineConnectionError(message, kind=kind)


def can_send_stdin(settings):
    """Whether a command's standard input can be sent and closed: over a unix socket or plain TCP.

    Closing it means half-closing the connection while the output is still read. Over TLS that is a
    close_notify sent with the stream kept open for reading, which Python's ssl module cannot do (its
    unwrap() waits for the daemon's own close_notify, which comes only after the output).
    """
    return not settings.use_tls


class ContainerExec(object):
    """Exec and archive calls for one container on one engine."""

    def __init__(self, client, container):
        self.client = client
        self.container = container
        self._path = '/containers/%s' % quote(container, safe='')

    @property
    def where(self):
        return 'container %s on %s' % (self.container, self.client.settings.docker_host)

    def _unavailable(self, exc):
        """A NotFound or Conflict about the container, said as what it means for a play."""
        if isinstance(exc, NotFound):
            return ContainerUnavailable(
                'The %s does not exist (removed?): %s' % (self.where, exc.explanation or exc), kind='not_found')
        return ContainerUnavailable(
            'The %s is not running: %s. Start it (or target only running containers).'
            % (self.where, exc.explanation or exc), kind='conflict')

    def inspect(self):
        """The container's inspect body; ContainerUnavailable when it is missing or not running."""
        try:
            body = self.client.get_json(self._path + '/json')
        except NotFound as exc:
            raise self._unavailable(exc)
        state = body.get('State') or {}
        if not state.get('Running') or state.get('Paused') or state.get('Restarting'):
            status = state.get('Status') or 'not running'
            raise ContainerUnavailable('The %s is not running (status: %s). Start it (or target only running '
                                       'containers).' % (self.where, status), kind='conflict')
        return body

    # -- exec -------------------------------------------------------------------------------
    def run(self, argv, user=None, workdir=None, env=None, stdin=None):
        """(exit code, stdout bytes, stderr bytes) of argv run in the container.

        ``stdin`` (bytes) is written to the command's standard input, which is then closed; that
        needs a half-close of the connection, so it is refused over TLS (see can_send_stdin).
        """
        if stdin is not None and not can_send_stdin(self.client.settings):
            raise EngineError('Standard input cannot be sent to a command over TLS (%s): its end would need a '
                              'half-closed TLS stream.' % self.client.settings.docker_host)
        body = {'AttachStdin': stdin is not None, 'AttachStdout': True, 'AttachStderr': True, 'Tty': False, 'Cmd': list(argv)}
        if user:
            body['User'] = user
        if workdir:
            body['WorkingDir'] = workdir
        if env:
            body['Env'] = ['%s=%s' % item for item in sorted(env.items())]
        try:
            created = self.client.post(self._path + '/exec', json_body=body)
        except (NotFound, Conflict) as exc:
            raise self._unavailable(exc)
        exec_id = (created or {}).get('Id')
        if not exec_id:
            raise EngineAPIError('The engine created no exec instance in the %s (answer: %r).' % (self.where, created))
        demuxer = FrameDemuxer()
        self._stream(exec_id, demuxer, stdin)
        exit_code = self._exit_code(exec_id)
        if exit_code >= 128:
            self._check_still_running()
        stdout, stderr = demuxer.result()
        return exit_code, stdout, stderr

    def _check_still_running(self):
        """After a command died of a signal: was it the container stopping or going away?

        The engine may report the exec's end before the container's; a container being killed is
        seen stopped within SIGNAL_SETTLE seconds, one that stays up is the command's own death.
        """
        deadline = time.time() + SIGNAL_SETTLE
        while True:
            try:
                body = self.client.get_json(self._path + '/json')
            except NotFound as exc:
                raise ContainerUnavailable('The %s was removed while a command ran in it (%s).'
                                           % (self.where, exc.explanation or exc), kind='not_found')
            state = body.get('State') or {}
            if not state.get('Running') or state.get('Restarting') or state.get('Dead'):
                raise ContainerUnavailable('The %s stopped (or is being removed) while a command ran in it '
                                           '(status: %s).' % (self.where, state.get('Status')), kind='conflict')
            if time.time() > deadline:
                return
            time.sleep(0.05)

    def _exec_state(self, exec_id):
        try:
            return self.client.get_json('/exec/%s/json' % exec_id)
        except NotFound:
            # The exec instance goes with its container.
            try:
                self.client.get_json(self._path + '/json')
            except NotFound as exc:
                raise ContainerUnavailable('The %s was removed while a command ran in it (%s).'
                                           % (self.where, exc.explanation or exc), kind='not_found')
            raise EngineAPIError('The engine forgot exec %s in the %s while it ran.' % (exec_id[:12], self.where),
                                 status=404, kind='not_found')

    def _exit_code(self, exec_id):
        timeout = self.client.settings.timeout
        deadline = time.time() + timeout
        delay = 0.005
        while True:
            state = self._exec_state(exec_id)
            if not state.get('Running'):
                code = state.get('ExitCode')
                if code is None:
                    raise EngineAPIError('The engine reported no exit code for the command in the %s.' % self.where)
                return code
            if time.time() > deadline:
                raise EngineConnectionError(
                    'The output stream of a command in the %s ended, but the engine still reports the command '
                    'running after %ss (a stopped or frozen container?).' % (self.where, timeout), kind='timeout')
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def _stream(self, exec_id, demuxer, stdin=None):
        settings = self.client.settings
        timeout = settings.timeout
        sock = open_stream_socket(settings, timeout)
        try:
            body = json.dumps({'Detach': False, 'Tty': False}).encode('ascii')
            request = ('POST /v%s/exec/%s/start HTTP/1.1\r\nHost: docker\r\nUser-Agent: tprov.docker\r\n'
                       'Content-Type: application/json\r\nContent-Length: %d\r\nConnection: Upgrade\r\n'
                       'Upgrade: tcp\r\n\r\n' % (self.client.api_version, exec_id, len(body))).encode('ascii')
            try:
                sock.sendall(request + body)
            except OSError as exc:
                kind, message = explain_connection_error(exc, settings)
                raise EngineConnectionError(message, kind=kind)
            rest = self._read_head(sock, exec_id)
            if rest:
                demuxer.feed(rest)
            if stdin is not None:
                try:
                    sock.sendall(stdin)
                    # The command sees the end of its input only when the connection is half-closed.
                    sock.shutdown(socket.SHUT_WR)
                except OSError as exc:
                    kind, message = explain_connection_error(exc, settings)
                    raise EngineConnectionError(message, kind=kind)
            # The exec's state is asked every `timeout` seconds of wall clock, data or not: a command
            # that ended while a child it left keeps writing (or keeps the stream open silently) is
            # read for at most `timeout` seconds more, never forever.
            next_check = time.time() + timeout
            ended_at = None
            while True:
                now = time.time()
                if now >= next_check:
                    if ended_at is not None:
                        raise EngineConnectionError(
                            'The command in the %s ended, but the engine kept its output stream open for %ss '
                            'more; the output may be cut short.' % (self.where, timeout), kind='timeout')
                    if not self._exec_state(exec_id).get('Running'):
                        ended_at = now
                    next_check = time.time() + timeout
                    now = time.time()
                # Each read waits at most until the next check: silence is a quiet command, a stream
                # left open by a command that ended, or a daemon that went away; the check tells.
                sock.settimeout(max(next_check - now, 0.01))
                try:
                    data = sock.recv(CHUNK)
                except socket.timeout:
                    continue
                except (ssl.SSLZeroReturnError, ssl.SSLEOFError, ConnectionResetError):
                    # A TLS peer that closes without close_notify, or resets: the end of the stream;
                    # whether the command really ended is asked next (_exit_code).
                    break
                except OSError as exc:
                    kind, message = explain_connection_error(exc, settings)
                    raise EngineConnectionError(message, kind=kind)
                if not data:
                    break
                demuxer.feed(data)
        finally:
            sock.close()

    def _read_head(self, sock, exec_id):
        """Read the HTTP answer's head; return the bytes after it. An error answer raises."""
        settings = self.client.settings
        data = b''
        deadline = time.time() + settings.timeout
        while b'\r\n\r\n' not in data:
            if len(data) > MAX_HEAD or time.time() > deadline:
                raise EngineConnectionError('The engine at %s sent no answer head to an exec start within %ss.'
                                            % (settings.docker_host, settings.timeout), kind='timeout')
            try:
                chunk = sock.recv(CHUNK)
            except OSError as exc:
                kind, message = explain_connection_error(exc, settings)
                raise EngineConnectionError(message, kind=kind)
            if not chunk:
                raise EngineConnectionError('The engine at %s closed the connection before answering an exec '
                                            'start.' % settings.docker_host, kind='closed')
            data += chunk
        head, _sep, rest = data.partition(b'\r\n\r\n')
        status_line = head.split(b'\r\n', 1)[0].decode('latin-1')
        parts = status_line.split(' ', 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            raise EngineConnectionError('The engine at %s answered an exec start with %r, not HTTP.'
                                        % (settings.docker_host, status_line[:100]), kind='unreachable')
        if status in (101, 200):
            return rest
        explanation = self._error_body(sock, head, rest)
        kind, message = explain_http_error(status, explanation, settings, 'POST', '/exec/%s/start' % exec_id)
        cls = {404: NotFound, 409: Conflict}.get(status, EngineAPIError)
        error = cls(message, status=status, explanation=explanation, kind=kind)
        if status in (404, 409):
            raise self._unavailable(error)
        raise error

    @staticmethod
    def _error_body(sock, head, rest):
        length = None
        for line in head.split(b'\r\n')[1:]:
            name, _sep, value = line.partition(b':')
            if name.strip().lower() == b'content-length' and value.strip().isdigit():
                length = int(value.strip())
        try:
            while length is not None and len(rest) < min(length, MAX_HEAD):
                chunk = sock.recv(CHUNK)
                if not chunk:
                    break
                rest += chunk
        except OSError:
            pass
        text = rest.decode('utf-8', 'replace').strip()
        try:
            return json.loads(text).get('message') or text
        except (ValueError, AttributeError):
            return text

    # -- user ids ---------------------------------------------------------------------------
    def user_ids(self, user):
        """(uid, gid) the files put for ``user`` are owned by (an exec of ``id`` for a user name)."""
        ids = numeric_user(user)
        if ids is not None:
            return ids
        code, out, err = self.run(['id', '-u'], user=user)
        gcode, gout, gerr = self.run(['id', '-g'], user=user)
        try:
            if code or gcode:
                raise ValueError()
            return int(out.strip()), int(gout.strip())
        except ValueError:
            raise EngineError('Cannot find the ids of user %r in the %s (id -u: %s): set remote_user (ansible_user) '
                              'to a user that exists there, or a numeric uid:gid.'
                              % (user, self.where, (err or gerr or out).decode('utf-8', 'replace').strip()[:200]))

    # -- archive ----------------------------------------------------------------------------
    def put_file(self, in_path, out_path, uid, gid):
        """Copy the controller's in_path to out_path in the container, mode kept, owned by uid:gid."""
        directory, name = os.path.split(out_path.rstrip('/'))
        if not name:
            raise EngineError('put_file: %r names no file.' % out_path)
        body = tar_of_file(in_path, name, uid, gid)
        try:
            self.client.put(self._path + '/archive', params={'path': directory or '/'}, data=body,
                            headers={'Content-Type': 'application/x-tar'})
        except NotFound as exc:
            if 'no such container' in (exc.explanation or '').lower():
                raise self._unavailable(exc)
            raise EngineError('Cannot put %s into the %s: the directory %s does not exist there (%s).'
                              % (out_path, self.where, directory or '/', exc.explanation or exc), kind='not_found')
        except Conflict as exc:
            raise self._unavailable(exc)

    def fetch_file(self, in_path, out_path):
        """Copy the container's in_path (a symbolic link is followed) to the controller's out_path."""
        path = in_path
        for _hop in range(MAX_LINKS):
            try:
                response = self.client.get_stream(self._path + '/archive', params={'path': path})
            except NotFound as exc:
                if 'no such container' in (exc.explanation or '').lower():
                    raise self._unavailable(exc)
                raise EngineError('Cannot fetch %s from the %s: %s' % (in_path, self.where, exc.explanation or exc),
                                  kind='not_found')
            try:
                response.raw.decode_content = True
                linkname = extract_file(response.raw, out_path)
            except tarfile.TarError as exc:
                raise EngineError('The engine sent a broken archive for %s from the %s: %s'
                                  % (in_path, self.where, exc))
            except (ReadTimeoutError, socket.timeout) as exc:
                raise EngineConnectionError(
                    'Fetching %s from the %s: the engine sent nothing for %ss in the middle of the file (%s); %s '
                    'was not written.' % (in_path, self.where, self.client.settings.timeout, exc, out_path),
                    kind='timeout')
            except (RequestException, TransportError, ConnectionError, ssl.SSLError) as exc:
                raise EngineConnectionError(
                    'Fetching %s from the %s: the engine closed or broke the stream before the end of the file '
                    '(%s); %s was not written.' % (in_path, self.where, exc, out_path), kind='closed')
            except OSError as exc:
                raise EngineError('Fetching %s from the %s: cannot write %s on the controller: %s'
                                  % (in_path, self.where, out_path, exc.strerror or exc))
            finally:
                response.close()
            if linkname is None:
                return
            path = link_target(path, linkname)
        raise EngineError('Cannot fetch %s from the %s: more than %d symbolic links.'
                          % (in_path, self.where, MAX_LINKS))
