# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the certificate a TLS listener serves, with or without a client certificate.

Standard library only: the daemon role's docker_daemon_config runs this on the managed host (which
need not have cryptography or requests), and docker_tls_info on the controller.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import ssl

# What is sent once the handshake is done, to learn whether the server accepted the client: with
# TLS 1.3 the client's side of the handshake completes before the server has judged the client's
# certificate, and its refusal (an alert) arrives with the first read. dockerd answers it with "OK";
# the request carries nothing but the path.
PING = b'GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n'


class Served(object):
    """What a TLS listener served.

    ``der``: the certificate (DER), or None when it could not be read. ``answered``: a TCP
    connection was made (something listens). ``error``: the exception that ended the attempt before
    the certificate was read (connecting, or the handshake), else None. ``handshake``: the server
    accepted the connection (None when not asked, see ``confirm``). ``refusal``: the exception with
    which the server refused the client after presenting its certificate, else None.
    ``tls_version``: the protocol spoken (``TLSv1.3``), when the handshake got that far."""

    def __init__(self, der=None, answered=False, error=None, handshake=None, refusal=None, tls_version=None):
        self.der = der
        self.answered = answered
        self.error = error
        self.handshake = handshake
        self.refusal = refusal
        self.tls_version = tls_version


def client_context(client_cert=None, client_key=None):
    """An unverifying client context, presenting client_cert when given (ssl.SSLError when the key does
    not belong to it). The server's certificate is judged afterwards, from its bytes: reading it must
    not depend on trusting it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if client_cert:
        context.load_cert_chain(client_cert, client_key)
    return context


def read_served(address, port, timeout=3.0, context=None, server_hostname=None, confirm=False):
    """The certificate the listener at address:port presents, as :class:`Served`.

    No client certificate is offered unless ``context`` (:func:`client_context`) carries one. With
    TLS 1.3 the client side of the handshake completes before a server that requires a client
    certificate refuses it, so the certificate is seen; a server limited to TLS 1.2 refuses the
    handshake first, and the certificate is unknown (``error`` says why).

    ``confirm``: after the handshake, send :data:`PING` and read the first answer, to tell whether
    the server accepted the client (``handshake``, ``refusal``)."""
    context = context or client_context()
    try:
        raw = socket.create_connection((address, port), timeout=timeout)
    except (OSError, ValueError) as exc:
        return Served(error=exc)
    try:
        # server_hostname is sent as SNI (Python leaves an IP address out of it).
        with context.wrap_socket(raw, server_hostname=server_hostname) as conn:
            served = Served(der=conn.getpeercert(binary_form=True), answered=True, tls_version=conn.version())
            if confirm:
                _confirm(conn, served)
            return served
    except (OSError, ssl.SSLError, ValueError) as exc:
        return Served(answered=True, error=exc)
    finally:
        raw.close()


def _confirm(conn, served):
    """Set served.handshake / served.refusal from the server's first answer to PING."""
    try:
        conn.sendall(PING)
        conn.recv(64)
    except socket.timeout:
        served.handshake = True  # accepted, but no answer to the request: not a refusal
    except ssl.SSLError as exc:
        # An alert ("certificate required", "bad certificate", "unknown ca", "certificate expired"), or a hang-up
        # without one (OpenSSL servers): the server refused the client.
        served.handshake, served.refusal = False, exc
    except OSError as exc:
        # Reset during the first exchange: the server hung up on the client.
        served.handshake, served.refusal = False, exc
    else:
        served.handshake = True
