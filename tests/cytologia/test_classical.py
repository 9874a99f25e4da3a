import numpy as np
from hdhkits.cytologia.classical import FOREST_FILE, load_forest, make_classical, save_forest


def test_the_forest_is_balanced_seeded_and_comes_back_from_its_file(tmp_path):
    forest = make_classical(seed=3)
    assert forest.get_params()["class_weight"] == "balanced_subsample" and forest.random_state == 3
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 4)), np.array(["PNN", "LY", "MO"] * 20)
    forest.set_params(n_estimators=10).fit(X, y)
    save_forest(forest, tmp_path / FOREST_FILE)
    assert [p.name for p in tmp_path.iterdir()] == [FOREST_FILE]  # written atomically: no temporary file left
    assert (load_forest(tmp_path / FOREST_FILE).predict(X) == forest.predict(X)).all()
