"""api_query.py: filters encoded as the Engine API wants them."""

import json

from ansible_collections.tprov.docker.plugins.module_utils import api_query


def test_filters_encoding():
    encoded = json.loads(api_query.filters_param({'label': {'a': 'b', 'c': None}, 'dangling': True, 'name': ['x', 'y']}))
    assert encoded == {'label': ['a=b', 'c'], 'dangling': ['true'], 'name': ['x', 'y']}
    assert api_query.filters_param({}) is None
