import numpy as np

from hdhkits.cytologia.baseline import grouped_folds, load_or_train_baseline, subsample_train, train_baseline


def test_subsample_and_folds_keep_duplicates_together(cyto_data):
    train = cyto_data.train
    dup_groups = train.groupby("group")["NAME"].nunique()
    dup_groups = dup_groups[dup_groups > 1].index
    assert len(dup_groups) >= 1
    fold = grouped_folds(train, 5, seed=0)
    for g in dup_groups:
        assert len(set(fold[train["group"].to_numpy() == g])) == 1
    assert set(fold) == set(range(5))
    small = subsample_train(train, 50, seed=0)
    assert small["NAME"].nunique() <= 50
    for g in set(small["group"]) & set(dup_groups):
        assert small.loc[small["group"] == g, "NAME"].nunique() == train.loc[train["group"] == g, "NAME"].nunique()


def test_train_save_reload_predict(cyto_data, tmp_path):
    baseline, history = train_baseline(cyto_data, tmp_path, max_train_images=80, epochs=1, progress=False)
    assert len(history) == 1
    assert (tmp_path / "cytologia_cnn.pt").is_file() and (tmp_path / "cytologia_detector.json").is_file()
    reloaded = load_or_train_baseline(cyto_data, tmp_path, verbose=False)
    test = cyto_data.test.head(20)[["trustii_id", "NAME"]]
    a = baseline.predict(cyto_data, test, device="cpu")
    b = reloaded.predict(cyto_data, test, device="cpu")
    assert list(a.columns) == ["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]
    assert a.equals(b)
    assert np.isin(a["class"], baseline.meta["classes"]).all()
