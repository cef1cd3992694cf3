# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Docker CLI's context store: where a context's files are, what its meta.json holds, and reading one.

The store (docker/cli, cli/context/store), under the CLI's configuration directory (E(DOCKER_CONFIG), else
``~/.docker``)::

    contexts/meta/ID/meta.json            {"Name": NAME, "Metadata": {...},
                                           "Endpoints": {"docker": {"Host": URL, "SkipTLSVerify": bool}}}
    contexts/tls/ID/docker/ca.pem         the endpoint's TLS files, each optional
    contexts/tls/ID/docker/cert.pem
    contexts/tls/ID/docker/key.pem

ID is the SHA-256 (hex) of NAME. The CLI keeps unknown ``Metadata`` keys; the contexts this collection
writes carry MARKER there (the client bundle and the inventory host), which is how they are told apart from
a user's own. Pure: no HTTP, no Ansible; the writer is context_files.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

from ansible_collections.tprov.docker.plugins.module_utils.errors import ConnectionSettingsError
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import read_file

# The Metadata key of the contexts this collection writes: {"bundle": CLIENT, "host": INVENTORY_HOST}.
MARKER = 'tprov.docker'
ENDPOINT = 'docker'
TLS_FILES = ('ca.pem', 'cert.pem', 'key.pem')
# meta.json is a few hundred bytes; a larger one is not read.
MAX_META_SIZE = 64 * 1024


class ContextError(ConnectionSettingsError):
    """A Docker context that cannot be used; kind context_not_found or context_invalid."""


def context_id(name):
    """The directory name the CLI stores context name under: the SHA-256 of the name, in hex."""
    return hashlib.sha256(name.encode('utf-8')).hexdigest()


def config_dir(environ=None, home=None):
    """The Docker CLI's configuration directory: E(DOCKER_CONFIG), else ~/.docker."""
    environ = os.environ if environ is None else environ
    home = os.path.expanduser('~') if home is None else home
    return environ.get('DOCKER_CONFIG') or os.path.join(home, '.docker')


def meta_dir(config, name):
    return os.path.join(config, 'contexts', 'meta', context_id(name))


def tls_dir(config, name):
    """The directory of the docker endpoint's ca.pem, cert.pem and key.pem."""
    return os.path.join(config, 'contexts', 'tls', context_id(name), ENDPOINT)


def context_meta(name, docker_host, bundle, host, description=None):
    """The meta.json document of a context this collection writes (verify the daemon: SkipTLSVerify false)."""
    return {
        'Name': name,
        'Metadata': {
            'Description': description or 'tprov.docker: client bundle %s for %s' % (bundle, host),
            MARKER: {'bundle': bundle, 'host': host},
        },
        'Endpoints': {ENDPOINT: {'Host': docker_host, 'SkipTLSVerify': False}},
    }


def dump_meta(meta):
    """meta.json's bytes, in one stable form (a second run compares equal)."""
    return (json.dumps(meta, sort_keys=True, separators=(',', ':')) + '\n').encode('utf-8')


def parse_meta(content, where):
    """The meta.json document from its bytes; ContextError (context_invalid) naming where when it is not one."""
    try:
        meta = json.loads(content.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ContextError('%s is not JSON (%s); recreate the context (docker context rm, then create it).'
                           % (where, exc), kind='context_invalid')
    if not isinstance(meta, dict) or not isinstance(meta.get('Name'), str):
        raise ContextError('%s has no Name; it is not a Docker context.' % where, kind='context_invalid')
    return meta


def marker(meta):
    """The collection's marker of a parsed meta.json ({bundle, host}), or None for a context it did not write."""
    mark = (meta.get('Metadata') or {}).get(MARKER) if isinstance(meta.get('Metadata'), dict) else None
    return mark if isinstance(mark, dict) and isinstance(mark.get('bundle'), str) else None


def read_context(name, environ=None, home=None):
    """(docker host URL, skip TLS verify, {ca_path, client_cert, client_key} of the files present) of context
    name in the CLI's store. ContextError: context_not_found when there is none, context_invalid when its
    meta.json is not a context's or names another."""
    if not isinstance(name, str) or not name.strip() or '/' in name:
        raise ContextError('docker_context: %r is not a context name.' % (name,), kind='invalid_settings')
    config = config_dir(environ, home)
    meta_path = os.path.join(meta_dir(config, name), 'meta.json')
    try:
        content = read_file(meta_path, MAX_META_SIZE)
    except OSError as exc:
        raise ContextError('docker_context %s: cannot read %s (%s).' % (name, meta_path, exc.strerror or exc),
                           kind='context_invalid')
    if content is None:
        hint = (' "default" is the CLI\'s own context (DOCKER_HOST or the local socket): leave docker_context unset.'
                if name == 'default' else '')
        raise ContextError('docker_context: there is no Docker context named %r in %s (no %s). `docker context ls` '
                           'lists them; the client role writes tprov-HOST contexts. Set DOCKER_CONFIG to the directory '
                           'that holds it, or fix the name.%s'
                           % (name, os.path.join(config, 'contexts'), meta_path, hint), kind='context_not_found')
    meta = parse_meta(content, meta_path)
    if meta['Name'] != name:
        raise ContextError('%s names context %r, not %r; it is not where the CLI keeps %r.'
                           % (meta_path, meta['Name'], name, name), kind='context_invalid')
    endpoint = (meta.get('Endpoints') or {}).get(ENDPOINT) if isinstance(meta.get('Endpoints'), dict) else None
    host = endpoint.get('Host') if isinstance(endpoint, dict) else None
    if not isinstance(host, str) or not host:
        raise ContextError('%s (context %r) has no Endpoints.docker.Host; recreate the context with '
                           '`docker context create %s --docker host=...`.' % (meta_path, name, name),
                           kind='context_invalid')
    files = {}
    tls = tls_dir(config, name)
    for option, filename in zip(('ca_path', 'client_cert', 'client_key'), TLS_FILES):
        path = os.path.join(tls, filename)
        if os.path.isfile(path):
            files[option] = path
    if bool(files.get('client_cert')) != bool(files.get('client_key')):
        raise ContextError('context %r has only one of cert.pem and key.pem in %s; both are needed.' % (name, tls),
                           kind='context_invalid')
    return host, bool(endpoint.get('SkipTLSVerify')), files


def context_params(params, environ=None, home=None):
    """params with docker_host and the TLS files taken from the context params['docker_context'] (unchanged
    when it is not set). ca_path, the client_cert/client_key pair and validate_certs given as options win over
    the context's. The context
    stands for the whole connection, as --context does for the CLI: DOCKER_HOST, DOCKER_TLS*, DOCKER_CERT_PATH
    and ~/.docker/*.pem are not used with it. Returns (params, environ to resolve with, home)."""
    name = params.get('docker_context')
    environ = os.environ if environ is None else environ
    if not name:
        return params, environ, home
    host, skip_verify, files = read_context(name, environ, home)
    resolved = dict(params, docker_host=host)
    given = any(params.get(option) for option in ('ca_path', 'client_cert', 'client_key'))
    # The CA on its own; the certificate and key as a pair (a task's certificate never meets the context's key).
    if not params.get('ca_path') and files.get('ca_path'):
        resolved['ca_path'] = files['ca_path']
    if not params.get('client_cert') and not params.get('client_key') and files.get('client_cert'):
        resolved.update(client_cert=files['client_cert'], client_key=files['client_key'])
    if params.get('validate_certs') is None and (files or given):
        resolved['validate_certs'] = not skip_verify
    if params.get('tls') is None and skip_verify:
        resolved['tls'] = True  # SkipTLSVerify: TLS, unverified (the CLI's --tls without --tlsverify)
    environ = dict((key, value) for key, value in environ.items()
                   if key not in ('DOCKER_HOST', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'))
    # No ~/.docker/{ca,cert,key}.pem behind the context's back: home points nowhere.
    return resolved, environ, os.path.join(os.sep, 'nonexistent', 'tprov-docker-context')
