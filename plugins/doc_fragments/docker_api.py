# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The connection options of every Engine API module (declared in safe_module.py, resolved in connection.py) and the error codes."""

    DOCUMENTATION = r'''
attributes:
  action_group:
    description:
      - The module is in the action group C(tprov.docker.docker_api) with every Engine API module, so a play
        sets the connection options once with C(module_defaults) and C(group/tprov.docker.docker_api).
    support: full
    membership:
      - tprov.docker.docker_api
options:
  docker_host:
    description:
      - Where the Docker daemon listens, as the Docker CLI's C(-H) takes it.
      - V(unix:///path/to/socket) for the local socket, V(tcp://HOST:PORT) for TCP (TLS when
        O(tls) or O(validate_certs) is set, or a CA, certificate or key is given).
      - A V(tcp://) address without a port gets 2376 with TLS and 2375 without.
      - Falls back to the E(DOCKER_HOST) environment variable when not set in the task.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  docker_context:
    description:
      - The name of a Docker CLI context (C(docker context ls)) to reach the daemon through, as C(docker --context NAME)
        does - for example V(tprov-docker1), written by the client role.
      - Read from the Docker configuration directory of the user the module runs as, where the module runs
        (E(DOCKER_CONFIG), else C(~/.docker)) - C(contexts/meta/SHA256-OF-NAME/meta.json) gives the address
        (C(Endpoints.docker.Host)), C(contexts/tls/SHA256-OF-NAME/docker/) the C(ca.pem), C(cert.pem) and C(key.pem).
      - When set, the context's address is used and O(docker_host) is not (whether from the task, C(module_defaults)
        or E(DOCKER_HOST)), nor E(DOCKER_TLS), E(DOCKER_TLS_VERIFY), E(DOCKER_CERT_PATH) and C(~/.docker/*.pem);
        O(ca_path), O(client_cert) with O(client_key) (a pair), and O(validate_certs), when given, win over the context's.
        E(DOCKER_CONTEXT) and the CLI's current context are not read.
      - A name with no context fails with C(error_kind) V(context_not_found), a context whose C(meta.json) is not
        one (not JSON, no docker endpoint) with V(context_invalid).
    type: str
    version_added: 0.3.0
  tls:
    description:
      - Talk TLS to a V(tcp://) O(docker_host) without verifying the daemon's certificate, when no client
        certificate is presented. Prefer O(validate_certs), which also checks the daemon is who it claims to be.
      - When not set, on if the E(DOCKER_TLS) environment variable is set to any non-empty value (as for
        the Docker CLI, V(0) and V(false) count as set; an empty value as unset).
    type: bool
  validate_certs:
    description:
      - Talk TLS and verify the daemon's certificate against O(ca_path) and its subject
        alternative names against the address (or O(tls_hostname)), as C(docker --tlsverify) does.
      - When not set, verification is on if the E(DOCKER_TLS_VERIFY) environment variable is set to any
        non-empty value (V(0) and V(false) too, as for the Docker CLI; an empty value counts as unset),
        if O(ca_path) is given, or if a client certificate is presented.
      - A client certificate (O(client_cert), or C(cert.pem) found in E(DOCKER_CERT_PATH) or C(~/.docker))
        is only presented to a verified daemon; without O(ca_path) the CA is C(ca.pem) from E(DOCKER_CERT_PATH)
        or C(~/.docker), and without one the module refuses unless O(validate_certs=false) is set explicitly.
      - V(false) turns verification off; it does not turn TLS on (plaintext V(tcp://) stays reachable).
      - Registry credentials are sent only to a unix socket, a loopback address or a verified daemon; over
        plaintext V(tcp://) to another host, or TLS without verification, a pull with credentials is refused
        unless O(validate_certs=false) is set explicitly.
    type: bool
    aliases: [tls_verify]
  ca_path:
    description:
      - The CA certificate (PEM) that signed the daemon's server certificate.
      - Defaults, when TLS verification is on, to C(ca.pem) in E(DOCKER_CERT_PATH), else in C(~/.docker).
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - The client certificate (PEM, with C(clientAuth)) presented to a daemon run with C(--tlsverify).
      - Defaults to C(cert.pem) in E(DOCKER_CERT_PATH), else in C(~/.docker), when both it and C(key.pem) exist.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - The private key (PEM, unencrypted) of O(client_cert).
      - Defaults to C(key.pem) beside the default O(client_cert).
    type: path
    aliases: [tls_client_key, key_path]
  tls_hostname:
    description:
      - The name (or IP) the daemon's certificate must carry, when it differs from the host in
        O(docker_host) (for example when connecting through a tunnel).
      - Falls back to the E(DOCKER_TLS_HOSTNAME) environment variable.
    type: str
  api_version:
    description:
      - The Engine API version to talk. V(auto) asks the daemon once (C(GET /version)) and talks
        the newer of what both sides know, never below 1.41 (Docker 20.10).
      - Falls back to the E(DOCKER_API_VERSION) environment variable.
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds (1 to 86400) to wait for the daemon to answer one request. Image pulls and loads wait at least 600.
      - Falls back to the E(DOCKER_TIMEOUT) environment variable.
    type: int
    default: 60
notes:
  - Connects to the Engine API directly through C(requests) and C(requests-unixsocket), which must
    be installed where the module runs; the Docker SDK for Python is not used.
  - Membership of the C(docker) group gives access to the socket and is root-equivalent.
  - "A failed task returns C(error_kind), a stable code to test instead of the wording of C(msg) (the list
    is in C(plugins/module_utils/errors.py)). Reaching the daemon:
    V(socket_missing) (no socket file), V(permission) (no access to the socket), V(refused) (nothing listens),
    V(dns), V(timeout), V(closed) (the daemon hung up on plaintext), V(tls_required) (plaintext sent to a TLS
    port), V(tls_not_tls) (TLS sent to a plaintext port), V(tls_name_mismatch), V(tls_unknown_ca),
    V(tls_server_expired), V(tls_no_client_cert) (the daemon requires a client certificate and none was sent),
    V(tls_client_rejected), V(tls_client_expired), V(tls_key_mismatch), V(tls_handshake) (other TLS failures),
    V(not_docker) (an HTTP server answered that is not a Docker Engine API), V(unreachable) (other transport
    failures). Otherwise: V(invalid_settings) (connection options),
    V(invalid_option) (another option), V(missing_library), V(api_version), V(not_found) (HTTP 404),
    V(conflict) (HTTP 409), V(in_use) (a network or volume to remove is used by containers),
    V(context_not_found) (O(docker_context) names no context), V(context_invalid) (its C(meta.json) is not a
    context's), V(api_error) (other HTTP errors), V(engine_error)."
requirements:
  - requests
  - requests-unixsocket
'''
