"""On a Docker host: "NAME STARTEDAT" for every running container, from the local socket (Debian 13's
docker.io has no CLI on the host)."""

import http.client
import json
import socket


class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect('/var/run/docker.sock')


def get(path):
    connection = UnixConnection('localhost')
    connection.request('GET', path)
    return json.loads(connection.getresponse().read())


for summary in get('/containers/json'):
    state = get('/containers/%s/json' % summary['Id'])['State']
    print(summary['Names'][0], state['StartedAt'])
