"""The Cardi-HACK demo field: the kit's candidates paired, its choice, Risk-SCD in ESC bands, the dummy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack.demo import SHORT_NAMES
from hdhkits.cardihack.riskscd import esc_band, risk_scd
from hdhkits.leaderboard.field import demo_field
from hdhkits.problem import get_problem

PROBLEM = get_problem("cardihack")


@pytest.fixture(scope="module")
def field(twin):
    source = twin("cardihack")
    truth = PROBLEM.read_truth(source.truth_path)
    return source.data_dir, truth, demo_field(PROBLEM, source.data_dir, truth, 14, seed=0)


@pytest.mark.slow
def test_the_field_holds_every_pairing_the_choice_first_then_noisy_copies_and_a_duplicate(field):
    data_dir, _truth, subs = field
    names = list(subs)
    assert len(names) == 14 and names[0].startswith("chosen_")
    assert names[3:5] == ["riskscd_esc_bands", "organisers_dummy"]
    severity = {"logistic10snps", "shrunk", "age"}
    mace = {"ordinal", "riskscd_score", "clinical_score"}
    assert set(SHORT_NAMES.values()) == severity | mace
    pairs = {name.removeprefix("chosen_") for name in names[:11] if "+" in name}
    assert pairs == {f"{s}+{m}" for s in severity for m in mace}  # the chosen pair once, under its own name
    assert names[11:13] == [f"{names[0]}_noisy01", f"{names[1]}_noisy02"]
    assert names[13] == f"{names[0]}_resubmitted" and subs[names[13]].equals(subs[names[0]])
    for name, table in subs.items():
        assert not [f for f in PROBLEM.validate_submission(table, data_dir) if f.is_error], name


@pytest.mark.slow
def test_the_published_score_and_the_dummy_are_what_they_say(field):
    data_dir, _truth, subs = field
    test = pd.read_csv(data_dir / "test.csv")
    esc = subs["riskscd_esc_bands"]
    assert np.array_equal(esc["OUTCOME MACE"].to_numpy(), esc_band(risk_scd(test)))
    assert subs["organisers_dummy"].equals(PROBLEM.sample_submission(data_dir))
    # one SEVERITY model reused across pairs gives the same column
    assert subs["age+ordinal"]["OUTCOME SEVERITY"].equals(subs["age+riskscd_score"]["OUTCOME SEVERITY"])


@pytest.mark.slow
def test_the_kits_choice_outscores_the_organisers_dummy_on_the_twin(field):
    _data_dir, truth, subs = field
    chosen = PROBLEM.score_submission(subs[next(iter(subs))], truth).value
    assert chosen > PROBLEM.score_submission(subs["organisers_dummy"], truth).value + 0.05
