"""Puts this checkout on an ansible_collections path for every test (see tprov_testlib)."""

import pytest

from tprov_testlib import COLLECTIONS_DIR, run_module


@pytest.fixture(scope='session')
def collections_dir():
    return COLLECTIONS_DIR


@pytest.fixture(scope='session')
def module():
    return run_module
