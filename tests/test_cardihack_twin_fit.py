"""tools/cardihack_twin_fit.py, the fit that produced the Cardi-HACK twin's effects: its targets
cover every official AUC once, and it runs."""

import importlib.util
from pathlib import Path

import numpy as np
from hdhkits.cardihack.signal import OFFICIAL_COLUMN_AUC, OUTCOME_LABELS

_SPEC = importlib.util.spec_from_file_location(
    "cardihack_twin_fit", Path(__file__).resolve().parents[1] / "tools" / "cardihack_twin_fit.py"
)
twin_fit = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(twin_fit)


def test_one_free_effect_per_official_auc():
    targets = {(column, outcome) for _, _, column, outcome in twin_fit.FIT_TARGETS}
    assert targets == {(c, o) for c in OFFICIAL_COLUMN_AUC for o in OUTCOME_LABELS}
    effects = {(g, k) for g, k, _, _ in twin_fit.FIT_TARGETS}
    assert len(effects) == len(twin_fit.FIT_TARGETS)
    current = twin_fit.current_effects()
    assert all(k in current[g] for g, k in effects)
    assert ("severity", "two_variants") not in effects and ("mace", "severity") not in effects


def test_population_aucs_and_the_round_trip_of_the_effects():
    effects = twin_fit.current_effects()
    values = twin_fit._vector(effects)
    assert twin_fit._with(effects, values) == effects
    aucs = twin_fit.population_aucs(effects, n=3000, seed=0)
    assert aucs.shape == (len(twin_fit.FIT_TARGETS),) and np.all((aucs > 0.3) & (aucs < 0.8))
