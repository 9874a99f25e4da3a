"""Fixtures shared by the ANNITIA tests."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.columns import train_columns


@pytest.fixture
def make_rows():
    """Hand-made train rows: ``make_rows([dict(Age_v1=50, ...), ...])``; unnamed columns stay empty."""

    def make(records):
        frame = pd.DataFrame(np.nan, index=range(len(records)), columns=train_columns())
        for i, rec in enumerate(records):
            for k, v in rec.items():
                frame.loc[i, k] = v
        return frame

    return make
