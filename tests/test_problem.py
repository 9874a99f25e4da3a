import pandas as pd
import pytest
from hdhkits.problem import KITS, KitNotAvailable, Problem, Score, available_kits, fidelity_rows, get_problem
from hdhkits.schema import ColumnSpec, TableSchema


class Bare(Problem):
    """A kit with the four required verbs and none of the optional capabilities."""

    name, title = "bare", "BARE"

    def make_twin(self, data_dir, truth_dir, seed=0, size="default"):
        """Nothing."""

    def check_data(self, data_dir, deep=False):
        """Nothing."""
        return []

    def validate_submission(self, submission, data_dir):
        """Nothing."""
        return []

    def score_submission(self, submission, truth):
        """Nothing."""
        return Score(0.0)


def test_unknown_kit_lists_the_kits():
    with pytest.raises(KitNotAvailable, match="the kits are: cytologia, annitia, cardihack"):
        get_problem("nope")


def test_names_are_normalised():
    for kit in available_kits():
        assert get_problem(kit.upper()) is get_problem(kit)
    if "cardihack" in available_kits():
        assert get_problem("Cardi-HACK").name == "cardihack"


@pytest.mark.parametrize("kit", KITS)
def test_every_kit_is_built_and_complete(kit):
    problem = get_problem(kit)
    assert isinstance(problem, Problem)
    assert problem.name == kit
    assert problem.title and problem.task and problem.metric and problem.official_files
    assert problem.env_var == f"{kit.upper()}_DATA_DIR"
    assert problem.truth_file.endswith(".csv")


def test_score_shapes():
    s = Score(0.81234, {"a": 0.5, "b": 1.0})
    assert s.as_dict() == {"score": 0.81234, "parts": {"a": 0.5, "b": 1.0}}
    assert str(s) == "0.8123 (a 0.5000, b 1.0000)"


def test_a_kit_without_a_schema_module_has_no_fidelity_tables():
    assert Bare().fidelity_table(".") is None
    assert Bare().signal_table(".") is None


def test_the_fidelity_table_is_the_train_file_without_its_ids(tmp_path):
    from hdhkits.cardihack.schema import ID_COLUMN, read_train
    from hdhkits.datasource import write_twin

    problem = get_problem("cardihack")
    write_twin(problem, tmp_path / "data", tmp_path / "truth", seed=0, size="quick")
    table, train = problem.fidelity_table(tmp_path / "data"), read_train(tmp_path / "data")
    assert ID_COLUMN in train.columns and ID_COLUMN not in table.columns
    assert table.equals(train.drop(columns=[ID_COLUMN]))


def test_fidelity_rows_leave_out_the_schemas_id_column_and_nothing_else():
    columns = (ColumnSpec("id", "str"), ColumnSpec("age", "float"))
    table = pd.DataFrame({"id": ["a", "b"], "age": [50.0, 61.5]})
    rows = fidelity_rows(table, TableSchema("train.csv", columns, id_column="id"))
    assert rows.equals(table[["age"]])
    assert fidelity_rows(table, TableSchema("train.csv", columns)).equals(table)  # no id column: nothing to drop
    assert fidelity_rows(table[["age"]], TableSchema("train.csv", columns, id_column="id")).equals(table[["age"]])


def test_a_kit_without_a_sample_submission_says_so():
    with pytest.raises(NotImplementedError, match="BARE kit defines no sample submission"):
        Bare().sample_submission(".")
    for kit in KITS:  # every shipped kit offers one (bundles need it)
        assert type(get_problem(kit)).sample_submission is not Problem.sample_submission


def test_a_kit_without_a_unit_metric_says_how_to_add_it():
    import pandas as pd
    from hdhkits.problem import UnitMetric

    with pytest.raises(NotImplementedError, match="BARE kit defines no unit metric; implement Problem.unit_metric"):
        Bare().unit_metric(pd.DataFrame())
    truth = pd.DataFrame({"trustii_id": [1, 2], "OUTCOME MACE": [0, 2], "OUTCOME SEVERITY": [0, 1]})
    metric = get_problem("cardihack").unit_metric(truth)
    assert isinstance(metric, UnitMetric) and metric.n_units == 2 and metric.unit_name == "patients"


def test_a_kit_without_demo_submissions_or_noise_says_how_to_add_them():
    import pandas as pd

    with pytest.raises(NotImplementedError, match="BARE kit has no demo submissions; implement Problem.demo_sub"):
        Bare().demo_submissions(".", pd.DataFrame(), 0)
    with pytest.raises(NotImplementedError, match="BARE kit adds no noise to its demo submissions"):
        Bare().demo_noise(".")


def test_a_kit_without_teaching_or_quirks_has_none():
    assert Bare().teaching() is None
    assert Bare().quirks() == ()


@pytest.mark.parametrize("kit", KITS)
def test_every_kit_offers_its_hooks_as_methods(kit):
    from hdhkits.exercises import Teaching
    from hdhkits.quirks import Quirk

    problem = get_problem(kit)
    if type(problem).teaching is not Problem.teaching:
        assert isinstance(problem.teaching(), Teaching)
    assert all(isinstance(q, Quirk) for q in problem.quirks())


def test_a_kit_without_models_says_how_to_add_them_and_the_file_hooks_round_trip(tmp_path):
    from sklearn.linear_model import LinearRegression

    bare = Bare()
    with pytest.raises(NotImplementedError, match="BARE kit defines no models; implement Problem.make_model"):
        bare.make_model("any")
    with pytest.raises(NotImplementedError, match="BARE kit cannot fit models"):
        bare.fit_model(object(), None)
    fitted = LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0])
    unfitted = bare.unfitted(fitted)
    assert not hasattr(unfitted, "coef_") and unfitted.get_params() == fitted.get_params()
    plain = {"weights": [1, 2]}  # not an estimator: copied
    assert bare.unfitted(plain) == plain and bare.unfitted(plain) is not plain
    assert bare.stamped_settings(None) == {} and bare.stamped_settings({"a": 1}) == {"a": 1}
    path = bare.model_file(tmp_path, "yours")
    assert path == tmp_path / "bare_yours.pkl"
    bare.save_model_file(fitted, path)
    assert bare.load_model_file(path).coef_.tolist() == pytest.approx([2.0])
    assert [p.name for p in tmp_path.iterdir()] == ["bare_yours.pkl"]  # nothing temporary left
    for kit in KITS:
        problem = get_problem(kit)
        assert problem.models and problem.submit_on, kit
