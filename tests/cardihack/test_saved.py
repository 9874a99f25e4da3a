"""Saved model pairs carry a stamp: a pair trained on other data or settings is retrained, and says why."""

import json

import numpy as np
from hdhkits.cardihack import ConstantClass, ConstantProbability, candidate_pairs
from hdhkits.cardihack.saved import CV_FILE, MODELS_FILE, load_or_train, models_digest, save_model, training_stamp
from hdhkits.fingerprint import read_stamp


def _cheap_pairs():
    return {"constants": (ConstantProbability("weighted"), ConstantClass(0))}


def _chooser(source, calls):
    def choose():
        import pandas as pd

        calls.append(1)
        train = pd.read_csv(source.data_dir / "train.csv")
        sev, mace = _cheap_pairs()["constants"]
        return (
            sev.fit(train, train["OUTCOME SEVERITY"]),
            mace.fit(train, train["OUTCOME MACE"]),
            {"chosen": "constants", "cv": {}},
        )

    return choose


def test_a_pair_trained_on_another_twin_is_retrained_and_says_why(tmp_path, twin, capsys):
    first, other = twin("cardihack", seed=0), twin("cardihack", seed=1)
    calls: list = []
    stamp = training_stamp(first, seed=0, quick=True, pairs=_cheap_pairs())
    sev, _, record, reloaded = load_or_train(tmp_path, stamp, _chooser(first, calls))
    assert not reloaded and calls == [1] and record["chosen"] == "constants"
    assert (tmp_path / MODELS_FILE).is_file() and read_stamp(tmp_path / MODELS_FILE) == stamp
    assert json.loads((tmp_path / CV_FILE).read_text())["chosen"] == "constants"

    sev2, _, _, reloaded = load_or_train(tmp_path, stamp, _chooser(first, calls))
    assert reloaded and calls == [1] and sev2.p_ == sev.p_
    assert "reloaded" in capsys.readouterr().out

    # Same training seed and settings, other data: the twin of seed 1.
    other_stamp = training_stamp(other, seed=0, quick=True, pairs=_cheap_pairs())
    _, _, _, reloaded = load_or_train(tmp_path, other_stamp, _chooser(other, calls))
    out = capsys.readouterr().out
    assert not reloaded and calls == [1, 1]
    assert "trained on other data" in out and "seed 0" in out and "seed 1" in out
    assert read_stamp(tmp_path / MODELS_FILE) == other_stamp


def test_changed_settings_or_a_damaged_file_retrain(tmp_path, twin, capsys):
    source = twin("cardihack")
    calls: list = []
    stamp = training_stamp(source, seed=0, quick=True, pairs=_cheap_pairs())
    load_or_train(tmp_path, stamp, _chooser(source, calls))
    changed = {"constants": (ConstantProbability(0.5), ConstantClass(0))}
    _, _, _, reloaded = load_or_train(tmp_path, training_stamp(source, 0, True, changed), _chooser(source, calls))
    assert not reloaded and "candidate_models" in capsys.readouterr().out
    (tmp_path / MODELS_FILE).write_bytes(b"not a joblib file")
    _, _, _, reloaded = load_or_train(tmp_path, training_stamp(source, 0, True, changed), _chooser(source, calls))
    assert not reloaded and "cannot be read" in capsys.readouterr().out and len(calls) == 3


def test_the_digest_sees_every_parameter_and_only_parameters():
    assert models_digest(candidate_pairs(0)) == models_digest(candidate_pairs(0))
    assert models_digest(candidate_pairs(0)) != models_digest(candidate_pairs(1))
    pairs = candidate_pairs(0)
    name = next(iter(pairs))
    sev, _mace = pairs[name]
    before = models_digest(pairs)
    sev.set_params(logit__C=0.5)
    assert models_digest(pairs) != before


def test_fitting_does_not_change_the_digest(data):
    train, _ = data
    pairs = _cheap_pairs()
    before = models_digest(pairs)
    pairs["constants"][0].fit(train, train["OUTCOME SEVERITY"])
    assert models_digest(pairs) == before


def test_save_model_round_trip(tmp_path, twin, data):
    train, test = data
    source = twin("cardihack")
    sev, mace = (
        m.fit(train, train[c]) for m, c in zip(_cheap_pairs()["constants"], ("OUTCOME SEVERITY", "OUTCOME MACE"))
    )
    save_model(
        tmp_path / "new", sev, mace, {"chosen": "constants", "cv": {}}, training_stamp(source, 0, True, _cheap_pairs())
    )
    calls: list = []
    sev2, mace2, _, reloaded = load_or_train(
        tmp_path / "new", training_stamp(source, 0, True, _cheap_pairs()), _chooser(source, calls), verbose=False
    )
    assert reloaded and not calls
    assert np.allclose(sev2.predict_proba(test), sev.predict_proba(test))
    assert (mace2.predict(test) == mace.predict(test)).all()


def test_the_record_keeps_the_chosen_combination_and_every_candidate(data):
    from hdhkits.cardihack import RiskSCDClassifier, combination_name
    from hdhkits.cardihack.comparison import comparison_table
    from hdhkits.cardihack.evaluation import cross_validate_outcome, nested_choice
    from hdhkits.cardihack.saved import choose_and_fit, cv_record

    train, test = data
    severity = {"prevalence": ConstantProbability("prevalence"), "weighted": ConstantProbability("weighted")}
    mace = {"Risk-SCD": RiskSCDClassifier()}  # reads no SNP: rules not enforced for this stand-in
    sev_fit, mace_fit, record = choose_and_fit(train, severity, mace, n_splits=3, enforce_rules=False)
    chosen = combination_name("weighted", "Risk-SCD")
    assert record["chosen"] == chosen and (record["severity"], record["mace"]) == ("weighted", "Risk-SCD")
    assert {"score", "kappa_mace", "severity_rescaled"} <= set(record["cv"][chosen])
    assert record["cv"]["prevalence"]["outcome"] == "SEVERITY" and "severity_rescaled" in record["cv"]["prevalence"]
    assert record["cv"]["Risk-SCD"] == {"outcome": "MACE", "kappa_mace": record["cv"][chosen]["kappa_mace"]}
    assert (record["n_splits"], record["n_repeats"]) == (3, 1) and "nested" not in record
    assert sev_fit.predict_proba(test).shape == (149, 2) and set(mace_fit.predict(test)) <= {0, 1, 2}

    cv = {n: cross_validate_outcome(n, m, train, "OUTCOME SEVERITY", 3, 1, 0) for n, m in severity.items()}
    cv["Risk-SCD"] = cross_validate_outcome("Risk-SCD", mace["Risk-SCD"], train, "OUTCOME MACE", 3, 1, 0)
    nested = nested_choice(severity, mace, train, n_splits=3, outer=cv, enforce_rules=False)
    from hdhkits.cardihack.evaluation import combine

    table = comparison_table([combine(cv["weighted"], cv["Risk-SCD"], chosen)], n_boot=10)
    full = cv_record("weighted", "Risk-SCD", cv, 3, 1, table=table, nested=nested)
    assert full["cv"][chosen]["low"] <= full["cv"][chosen]["score"] <= full["cv"][chosen]["high"]
    assert set(full["nested"]) == {"score", "kappa_mace", "severity_rescaled", "choices"}
    json.dumps(full)  # what save_model writes to cardihack_cv.json
