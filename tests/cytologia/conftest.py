"""Shared fixtures for the CYTOLOGIA tests: the cached quick twin, read once."""

import pytest


@pytest.fixture(scope="session")
def cyto_source(twin):
    return twin("cytologia", size="quick")


@pytest.fixture(scope="session")
def cyto_data(cyto_source):
    from hdhkits.cytologia import read_dataset

    return read_dataset(cyto_source.data_dir)
