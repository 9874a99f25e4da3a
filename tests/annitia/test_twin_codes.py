"""The twin's comorbidity codes: drawn together, unknown together."""

import numpy as np
import pandas as pd
from hdhkits.annitia.twin_codes import CODE_SHARES, draw_codes, hide_codes


def test_codes_go_together_at_the_official_shares():
    codes = pd.DataFrame(draw_codes(np.random.default_rng(0), 40_000))
    assert list(codes.columns) == list(CODE_SHARES)
    for name, (one, two) in CODE_SHARES.items():
        shares = codes[name].value_counts(normalize=True)
        assert abs(shares[1.0] - one) < 0.015 and abs(shares[2.0] - two) < 0.015, name
    corr = codes.corr()
    for a, b in (("T2DM", "Hypertension"), ("T2DM", "Dyslipidaemia"), ("Hypertension", "Dyslipidaemia")):
        assert 0.58 < corr.loc[a, b] < 0.7, (a, b)
    assert (corr["bariatric_surgery"].drop("bariatric_surgery").between(0.28, 0.42)).all()
    three = codes[["T2DM", "Hypertension", "Dyslipidaemia"]] == 2
    assert 0.08 < three.all(axis=1).mean() < 0.1 and three.any(axis=1).mean() < 0.14


def test_unknown_together_in_train_rarely_in_test():
    rng = np.random.default_rng(1)
    codes = draw_codes(rng, 20_000)
    is_test = np.arange(20_000) >= 16_000
    shown = pd.DataFrame(hide_codes(rng, codes, is_test))
    train, test = shown[~is_test].isna(), shown[is_test].isna()
    assert 0.19 < train.all(axis=1).mean() < 0.225 and train.any(axis=1).mean() - train.all(axis=1).mean() < 0.03
    assert (train.mean().between(0.19, 0.24)).all() and (test.mean() < 0.03).all()
    assert shown.notna().to_numpy().sum() and set(np.unique(shown.stack())) == {0.0, 1.0, 2.0}
