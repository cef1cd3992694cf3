"""Print dockerd's main PID and when the container named web started (run on the Docker host).

The Engine API over the local socket with the standard library: the Debian 13 host has no docker CLI.
"""
import http.client
import json
import socket
import subprocess


class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect('/var/run/docker.sock')


connection = UnixConnection('localhost', timeout=10)
connection.request('GET', '/containers/web/json')
started = json.load(connection.getresponse())['State']['StartedAt']
pid = subprocess.run(['systemctl', 'show', '--property=MainPID', '--value', 'docker'],
                     capture_output=True, text=True, check=True).stdout.strip()
print(pid)
print(started)
