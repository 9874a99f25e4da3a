"""The seeded public/private split and the shake-up."""

from __future__ import annotations

import numpy as np
import pytest
from hdhkits.leaderboard.split import public_mask, rank_correlation, shakeup


def test_public_share_is_seeded_and_leaves_both_parts_non_empty():
    mask = public_mask(149, 0.3, seed=1)
    assert mask.sum() == round(0.3 * 149) and np.array_equal(mask, public_mask(149, 0.3, seed=1))
    assert not np.array_equal(mask, public_mask(149, 0.3, seed=2))
    assert public_mask(5, 0.01).sum() == 1 and public_mask(5, 0.99).sum() == 4


@pytest.mark.parametrize("share", [0, 1, -0.2, 1.5])
def test_shares_outside_zero_one_are_refused(share):
    with pytest.raises(ValueError, match="strictly between"):
        public_mask(10, share)


def test_fewer_than_two_units_cannot_be_split():
    with pytest.raises(ValueError, match="two test units"):
        public_mask(1, 0.5)


def test_shakeup_is_places_gained():
    assert shakeup([3, 1, np.nan], [1, 2, 1]).tolist()[:2] == [2, -1]
    assert np.isnan(shakeup([1], [np.nan])[0])


def test_rank_correlation():
    assert rank_correlation([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1)
    assert rank_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1)
    assert np.isnan(rank_correlation([1, 2], [2, 1])) and np.isnan(rank_correlation([1, 1, 1], [1, 2, 3]))
