# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backends of docker_api_info and docker_api_container_info: read-only questions to the engine.

Each backend takes the module (for its params) and an EngineClient and returns the result dict;
plugins/module_utils/engine_module.run_engine_module does the rest.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.tprov.docker.plugins.module_utils.api_query import list_params
from ansible_collections.tprov.docker.plugins.module_utils.errors import InvalidOption

INFO_ARGUMENT_SPEC = dict(
    containers=dict(type='bool', default=False),
    containers_all=dict(type='bool', default=False),
    containers_filters=dict(type='dict'),
    images=dict(type='bool', default=False),
    images_filters=dict(type='dict'),
)

CONTAINER_INFO_ARGUMENT_SPEC = dict(
    name=dict(type='str'),
    all=dict(type='bool', default=False),
    filters=dict(type='dict'),
)
CONTAINER_INFO_MODULE_RULES = dict(mutually_exclusive=[('name', 'filters')])


def engine_info(module, client):
    """docker_api_info: /version, /info, the negotiated API version, and the summaries asked for."""
    params = module.params
    result = dict(changed=False, version=client.version(), info=client.get_json('/info'),
                  api_version=client.api_version)
    if params['containers']:
        query = list_params(params['containers_all'], params['containers_filters'])
        result['containers'] = client.get_json('/containers/json', params=query)
    if params['images']:
        result['images'] = client.get_json('/images/json', params=list_params(False, params['images_filters']))
    return result


def inspect_by_name(client, name, key, path):
    """What an _info module returns for ``name``: ``exists``, and the inspect data (``path`` with the
    quoted name) under ``key``, empty when there is none; a missing object is no failure."""
    if not name.strip():
        raise InvalidOption('name must name a %s, not be empty.' % key)
    data = client.get_json_or_none(path % quote(name, safe=''))
    return {'changed': False, 'exists': data is not None, key: data or {}}


def container_info(module, client):
    """docker_api_container_info: one container's inspect data (name), or the container list."""
    params = module.params
    if params['name'] is not None:
        return inspect_by_name(client, params['name'], 'container', '/containers/%s/json')
    query = list_params(params['all'], params['filters'])
    return dict(changed=False, containers=client.get_json('/containers/json', params=query))
