import inspect

import pytest
from hdhkits.deprecation import deprecated_alias


def new(a, b=2):
    """The new name."""
    return a + b


def test_alias_warns_names_the_new_function_and_forwards():
    old = deprecated_alias(new, "old", "pkg.mod.new")
    assert old.__name__ == "old" and "pkg.mod.new" in old.__doc__
    assert inspect.signature(old) == inspect.signature(new)
    with pytest.warns(DeprecationWarning, match="old is deprecated .* use pkg.mod.new") as record:
        assert old(1, b=3) == 4
    assert record[0].filename == __file__  # points at the caller's line


def test_every_kit_alias_is_built_by_this_mechanism():
    from hdhkits.annitia import data
    from hdhkits.annitia import metric as annitia_metric
    from hdhkits.cardihack import metric as cardihack_metric
    from hdhkits.cytologia import metric as cytologia_metric
    from hdhkits.cytologia import reader

    for alias in (
        data.load_train,
        annitia_metric.official_score,
        cardihack_metric.cardihack_metric,
        cytologia_metric.cytologia_score,
        reader.check_folder,
    ):
        assert "Deprecated alias of" in alias.__doc__, alias
