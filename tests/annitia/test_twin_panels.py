"""Which twin values are measured: blood tests in panels, each at its own rate."""

import numpy as np
from hdhkits.annitia.columns import VISIT_VARIABLES
from hdhkits.annitia.twin_panels import BLOOD_TESTS, FULL_PANEL, PRESENCE, presence_masks


def test_panels_keep_each_tests_rate():
    stage = np.full((20_000, 6), 2)
    masks = presence_masks(np.random.default_rng(0), stage, VISIT_VARIABLES)
    assert set(masks) == set(VISIT_VARIABLES) and masks["Age"].all()
    blood = np.stack([masks[t] for t in BLOOD_TESTS])
    some, full = blood.any(axis=0), blood.all(axis=0)
    shares = [full[:, k][some[:, k]].mean() for k in range(5)]
    # a full panel at about the official share (14 % at visit 1 to 36 % at 5), rising over visits
    assert abs(shares[0] - 0.14) < 0.03 and abs(shares[4] - 0.36) < 0.04 and shares[4] > shares[0] + 0.15
    for test in BLOOD_TESTS:
        assert abs(masks[test][:, 0].mean() - 0.85 * PRESENCE[test]) < 0.02, test
    rates = {t: masks[t][:, 0].mean() for t in BLOOD_TESTS}
    assert min(rates, key=rates.get) == "plt"
    assert len(FULL_PANEL) >= 5


def test_aixplorer_follows_the_stage():
    rng = np.random.default_rng(1)
    low = presence_masks(rng, np.zeros((20_000, 3), dtype=int), VISIT_VARIABLES)
    high = presence_masks(rng, np.full((20_000, 3), 4), VISIT_VARIABLES)
    assert high["aixp_aix_result_BM_3"].mean() > 2 * low["aixp_aix_result_BM_3"].mean()
    assert high["fibs_stiffness_med_BM_1"].mean() < low["fibs_stiffness_med_BM_1"].mean()
