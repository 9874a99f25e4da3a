"""Regression guard: every known quirk of the official files, injected into a twin copy.

For each kit and each quirk of its ``Problem.quirks()``: ``check`` passes (exit 0)
and names the expected warning, ``check --strict`` fails on it, and the default twin
holds the quirk too. The three notebooks run on a copy holding every quirk at once and
end in a valid submission: ``tests/test_extremes.py`` does it, on a copy that also holds
every extreme its generator draws (one run serves both). A newly
reported quirk needs one line in its kit's ``quirks.py``, nothing here.
"""

import numpy as np
import pytest
from hdhkits.cli import main
from hdhkits.findings import errors, warnings_of
from hdhkits.problem import KITS, get_problem
from hdhkits.quirks import copy_data

CASES = [pytest.param(kit, q, id=f"{kit}-{q.name}") for kit in KITS for q in get_problem(kit).quirks()]


def _matches(finding, quirk) -> bool:
    return (
        finding.kind == quirk.kind
        and finding.file == quirk.file
        and (quirk.column is None or finding.column == quirk.column)
    )


@pytest.mark.parametrize("kit", KITS)
def test_every_kit_lists_its_quirks(kit):
    quirks = get_problem(kit).quirks()
    assert quirks, f"the {kit} kit lists no quirk (Problem.quirks)"
    assert len({q.name for q in quirks}) == len(quirks)


@pytest.mark.parametrize("kit, quirk", CASES)
def test_check_passes_and_names_the_quirk(kit, quirk, twin, tmp_path, capsys):
    folder = copy_data(twin(kit, "quick").data_dir, tmp_path / "data")
    quirk.inject(folder, np.random.default_rng(0))
    findings = get_problem(kit).check_data(folder)
    assert not errors(findings), [str(f) for f in errors(findings)]
    code = main(["check", kit, str(folder)])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
    if quirk.kind is None:
        return
    named = [f for f in warnings_of(findings) if _matches(f, quirk)]
    assert named, f"no {quirk.kind} warning on {quirk.file} {quirk.column or ''}: {[str(f) for f in findings]}"
    assert str(named[0]) in out and "warning:" in out
    assert main(["check", kit, str(folder), "--strict"]) == 1
    capsys.readouterr()


@pytest.mark.slow
@pytest.mark.parametrize("kit, quirk", [c for c in CASES if c.values[1].in_twin and c.values[1].kind])
def test_default_twin_holds_the_quirk(kit, quirk, twin):
    findings = get_problem(kit).check_data(twin(kit, "default").data_dir)
    assert any(_matches(f, quirk) for f in findings), f"the default {kit} twin does not hold {quirk.name}"
