"""See what a process really sends to the host's log: its /dev/log (and journald's socket) is ours.

The command runs in a private mount namespace (``unshare -m``) where /dev is a tmpfs holding
bind mounts of the real device nodes, and /dev/log - plus /run/systemd/journal/socket when the
host has one - is a bind mount of a unix datagram socket this object listens on. The process and
everything it starts (ansible-playbook, its workers, AnsiballZ modules) log through libc's
syslog() or python-systemd exactly as on a managed host; nothing is patched, and the rest of the
machine never sees the namespace.
"""

import os
import shutil
import socket
import tempfile
import threading

NAMESPACE_SCRIPT = r'''
set -e
base=$1; shift
mount --rbind /dev "$base/realdev"
mount -t tmpfs -o mode=755 tprov-capture-dev /dev
for entry in $(ls -A "$base/realdev"); do
  [ "$entry" = log ] && continue
  if [ -L "$base/realdev/$entry" ]; then cp -P "$base/realdev/$entry" "/dev/$entry"
  elif [ -d "$base/realdev/$entry" ]; then mkdir "/dev/$entry"; mount --rbind "$base/realdev/$entry" "/dev/$entry"
  else touch "/dev/$entry"; mount --bind "$base/realdev/$entry" "/dev/$entry"
  fi
done
touch /dev/log
mount --bind "$base/log.sock" /dev/log
if [ -S /run/systemd/journal/socket ]; then mount --bind "$base/log.sock" /run/systemd/journal/socket; fi
exec "$@"
'''


class SyslogCapture(object):
    def __init__(self):
        self.base = tempfile.mkdtemp(prefix='tprov-syslog-')
        os.mkdir(os.path.join(self.base, 'realdev'))
        with open(os.path.join(self.base, 'ns.sh'), 'w') as handle:
            handle.write(NAMESPACE_SCRIPT)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(os.path.join(self.base, 'log.sock'))
        os.chmod(os.path.join(self.base, 'log.sock'), 0o666)
        self._sock.settimeout(0.2)
        self._messages = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self):
        while not self._stop.is_set():
            try:
                data = self._sock.recv(1 << 20)
            except socket.timeout:
                continue
            except OSError:
                return
            self._messages.append(data.decode('utf-8', 'replace'))

    @property
    def prefix(self):
        """Put before a command (a list) to run it with its log going here."""
        return ['unshare', '-m', '--propagation', 'private', 'sh', os.path.join(self.base, 'ns.sh'), self.base]

    def text(self):
        """Everything received so far, one message a line."""
        return '\n'.join(self._messages)

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
        shutil.rmtree(self.base, ignore_errors=True)
