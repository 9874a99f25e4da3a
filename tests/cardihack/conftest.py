"""Fixtures shared by the Cardi-HACK tests."""

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def data(twin):
    """The quick twin's ``train.csv`` and ``test.csv`` as read."""
    src = twin("cardihack")
    return pd.read_csv(src.data_dir / "train.csv"), pd.read_csv(src.data_dir / "test.csv")
