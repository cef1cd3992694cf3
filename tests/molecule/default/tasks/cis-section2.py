"""What the CIS Docker Benchmark 1.6 section 2 audits look at, read on the Docker host as JSON.

Each audit procedure reads the running daemon, not the file the role wrote: dockerd's command line
(`ps -ef | grep dockerd`), `docker info`, `docker network inspect bridge`, and for no-new-privileges and
log rotation what a container the daemon made actually got. The Engine API over the local socket with
the standard library: the Debian 13 host has no docker CLI.
"""
import http.client
import json
import os
import socket
import subprocess


class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect('/var/run/docker.sock')


def get(path):
    connection = UnixConnection('localhost', timeout=10)
    connection.request('GET', path)
    response = connection.getresponse()
    body = json.load(response)
    if response.status != 200:
        raise SystemExit('GET %s: %s %s' % (path, response.status, body))
    return body


def proc_argv(pid):
    with open('/proc/%s/cmdline' % pid, 'rb') as handle:
        return [arg.decode() for arg in handle.read().split(b'\0') if arg]


def processes_named(name):
    found = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/comm' % entry) as handle:
                    if handle.read().strip() == name:
                        found.append(int(entry))
            except OSError:
                pass  # the process ended while we looked
    return found


def status_field(pid, field):
    with open('/proc/%s/status' % pid) as handle:
        for line in handle:
            if line.startswith(field + ':'):
                return line.split(':', 1)[1].strip()
    return None


dockerd = subprocess.run(['systemctl', 'show', '--property=MainPID', '--value', 'docker'],
                         capture_output=True, text=True, check=True).stdout.strip()
info = get('/info')
web = get('/containers/web/json')
print(json.dumps({
    'dockerd_argv': proc_argv(dockerd),
    'info': {key: info.get(key) for key in ('LiveRestoreEnabled', 'Debug', 'LoggingDriver', 'SecurityOptions')},
    'registry': info.get('RegistryConfig') or {},
    'bridge_options': get('/networks/bridge').get('Options') or {},
    'web_ports': web['HostConfig'].get('PortBindings') or {},
    'web_no_new_privs': status_field(web['State']['Pid'], 'NoNewPrivs'),
    'web_log_config': web['HostConfig'].get('LogConfig') or {},
    'docker_proxy_pids': processes_named('docker-proxy'),
}))
