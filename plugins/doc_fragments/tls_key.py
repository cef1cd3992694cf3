# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Key type and lifetime options shared by docker_tls_cert and docker_tls_pki
    (tls_cert.KEY_ARGUMENT_SPEC is their argument spec)."""

    DOCUMENTATION = r'''
options:
  key_type:
    description:
      - V(ecdsa) (the default) is fast to generate and sign with and is accepted by the Docker CLI, dockerd,
        curl and Python's ssl. V(rsa) suits old clients. V(ed25519) works with dockerd and the Docker CLI
        (Go) and OpenSSL 1.1.1 or later clients.
    type: str
    choices: [ecdsa, rsa, ed25519]
    default: ecdsa
  key_size:
    description: RSA key size in bits.
    type: int
    choices: [2048, 3072, 4096]
    default: 2048
  curve:
    description: ECDSA curve, V(secp256r1) (P-256) or V(secp384r1) (P-384).
    type: str
    choices: [secp256r1, secp384r1, P-256, P-384]
    default: secp256r1
  valid_days:
    description: Days a certificate is valid from issue (365, as in Docker's documented openssl steps).
    type: int
    default: 365
  renew_before_days:
    description: Re-issue when a certificate expires within this many days (or has expired).
    type: int
    default: 30
'''
