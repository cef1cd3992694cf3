# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What results and diffs may show of a secret: a keyed digest, or the text with credentials masked.

Pure (standard library only), so every backend can use it without importing another's code.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import json
import os
import re

MASK = '********'

# One random key per process (per module run): equal values show the same digest within one
# result, so a change is visible, but no digest can be matched against guesses of low-entropy
# content (a password, a short file) or against another run's output.
_DIGEST_KEY = os.urandom(32)

# scheme://user:password@ - the password ends at the last @ before a /, a space or a quote
# (an unencoded @ inside it is masked with it).
_URL_PASSWORD = re.compile(r'''(\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s"']*:)[^/\s"']*(?=@)''')
# scheme://token@ - userinfo without a password is a credential too (an API token as the user name).
_URL_USERINFO = re.compile(r'''(\b[A-Za-z][A-Za-z0-9+.-]*://)[^:/@\s"']+(?=@)''')
_SECRET_WORD = r'[A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|SECRET|TOKEN)[A-Za-z0-9_.-]*'
# NAME=value (an environment file, a drop-in's Environment=), the value bare or quoted.
_ASSIGNMENT = re.compile(r'''(\b%s=)("[^"\n]*"|'[^'\n]*'|[^\s"']*)''' % _SECRET_WORD, re.IGNORECASE)
# "name": "value" (daemon.json); the value a JSON string.
_JSON_MEMBER = re.compile(r'''("%s"\s*:\s*)"(?:[^"\\\n]|\\.)*"''' % _SECRET_WORD, re.IGNORECASE)


def keyed_digest(data, length=None):
    """A hex HMAC-SHA256 of data (str or bytes) under this process's random key; the first ``length``
    characters when given."""
    if not isinstance(data, bytes):
        data = ('%s' % data).encode('utf-8')
    digest = hmac.new(_DIGEST_KEY, data, hashlib.sha256).hexdigest()
    return digest[:length] if length else digest


def _masked_value(match):
    value = match.group(2)
    quote = value[:1] if value[:1] in ('"', "'") else ''
    return match.group(1) + quote + MASK + quote


def redact_credentials(text):
    """text (a file's content, for a diff) with URL passwords and the values of variables and JSON
    members named like a password, secret or token replaced by MASK. Never for what is written."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    text = _URL_USERINFO.sub(lambda m: m.group(1) + MASK, text)
    text = _ASSIGNMENT.sub(_masked_value, text)
    return _JSON_MEMBER.sub(lambda m: m.group(1) + '"%s"' % MASK, text)


def redact_mapping(value):
    """A JSON-like value (daemon.json keys) with credentials masked as :func:`redact_credentials` masks
    them in text: URL passwords (a proxy or mirror with user:password@) and members named like a secret."""
    return json.loads(redact_credentials(json.dumps(value)))
