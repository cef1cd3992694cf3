# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Query parameters of the Engine API's list endpoints, encoded as the daemon wants them. Pure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def filters_param(filters):
    """Encode a filters dict the way the Engine API wants it: {"key": ["v1", "v2"]} as JSON.

    Values may be a string, a bool, a number or a list of those; a dict value ("label":
    {"a": "b"}) becomes ["a=b"] as the CLI's --filter label=a=b does.
    """
    if not filters:
        return None
    encoded = {}
    for key, value in filters.items():
        if isinstance(value, dict):
            items = ['%s=%s' % (k, v) if v is not None else str(k) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [_filter_scalar(v) for v in value]
        else:
            items = [_filter_scalar(value)]
        encoded[str(key)] = items
    return json.dumps(encoded, sort_keys=True)


def list_params(include_all, filters):
    """Query parameters of the list endpoints (/containers/json, /images/json): all and filters."""
    query = {'all': '1' if include_all else '0'}
    query.update(filters_query(filters))
    return query


def filters_query(filters):
    """The filters query parameter alone (/networks, /volumes), or none."""
    encoded = filters_param(filters)
    return {'filters': encoded} if encoded else {}


def _filter_scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)
