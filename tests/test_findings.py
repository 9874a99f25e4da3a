"""Findings: severities, sentences, tables, and the one place errors become a DataError."""

import numpy as np
import pytest
from hdhkits.findings import (
    DataError,
    Finding,
    error,
    errors,
    findings_frame,
    format_findings,
    raise_for_errors,
    warning,
    warnings_of,
    with_file,
)


def test_sentence_names_file_message_and_fix():
    f = warning(
        "column 'ggt_v1': 4 value(s) below 0",
        file="train.csv",
        column="ggt_v1",
        count=4,
        extreme=-10.77,
        rows=(406, 728),
        kind="below_minimum",
        fix="treated as missing",
    )
    assert str(f) == "train.csv: column 'ggt_v1': 4 value(s) below 0; treated as missing"
    assert f.line() == "warning: " + str(f)
    assert "below 0" in f and "ggt" in f and "nothing like this" not in f
    assert not f.is_error and error("x").is_error


def test_unknown_severity_is_refused():
    with pytest.raises(ValueError, match="severity must be one of"):
        Finding("note", "x")


def test_errors_and_warnings_are_told_apart():
    found = [warning("w1"), error("e1"), "a bare string from an older kit", warning("w2")]
    assert [str(f) for f in errors(found)] == ["e1", "a bare string from an older kit"]
    assert [str(f) for f in warnings_of(found)] == ["w1", "w2"]
    # errors print first, each line says its severity
    assert format_findings(found[:2]).splitlines() == ["  - error: e1", "  - warning: w1"]


def test_with_file_fills_only_missing_names():
    a, b = with_file([error("x"), error("y", file="test.csv")], "train.csv")
    assert (a.file, b.file) == ("train.csv", "test.csv")


def test_raise_for_errors_lists_every_error_and_returns_warnings(tmp_path):
    w = warning("odd", file="train.csv")
    assert raise_for_errors(tmp_path, [w]) == [w]
    with pytest.raises(DataError) as info:
        raise_for_errors(tmp_path, [w, error("bad 1", file="a.csv"), error("bad 2", file="b.csv")])
    assert info.value.problems == ["a.csv: bad 1", "b.csv: bad 2"]
    assert [f.file for f in info.value.findings] == ["a.csv", "b.csv"]
    assert "odd" not in str(info.value)


def test_findings_frame_has_one_row_per_finding():
    frame = findings_frame([warning("w", file="t.csv", column="c", rows=(1, 2), count=2, extreme=-1.0)])
    assert frame.loc[0, ["severity", "file", "column", "count", "extreme", "first rows"]].tolist() == [
        "warning",
        "t.csv",
        "c",
        2,
        -1.0,
        "1, 2",
    ]
    assert list(findings_frame([]).columns) == list(frame.columns)


def test_no_finding_prints_more_than_max_chars():
    from hdhkits.findings import MAX_CHARS

    long_list = ", ".join(f"'SNP{i}'" for i in range(1, 289))
    f = error(f"unexpected column(s) {long_list}", file="train.csv", fix="remove them " * 40)
    text = str(f)
    assert len(text) <= MAX_CHARS and text.startswith("train.csv: unexpected column(s) 'SNP1'")
    assert "characters)" in text and "; remove them" in text  # says how much was cut; keeps the fix's start
    short = warning("column 'x': 2 value(s) below 0", file="t.csv", fix="treated as missing")
    assert str(short) == "t.csv: column 'x': 2 value(s) below 0; treated as missing"


def test_short_list_cuts_lists_and_long_values_with_a_count():
    from hdhkits.findings import clip, short_list

    assert short_list(["a", "b"]) == "'a', 'b'"
    assert short_list(range(1, 10), 3, "rows", quote=False) == "1, 2, 3 … (9 rows)"
    header = ";".join(f"col{i}" for i in range(300))
    shown = short_list([header])
    assert len(shown) < 60 and f"({len(header):,} characters)" in shown
    assert short_list([np.float64(2.0), 1.5]) == "2, 1.5"
    cut = clip("x" * 500, 100)
    assert len(cut) <= 100 and cut.startswith("xxx") and cut.endswith(" characters)") and clip("abc", 10) == "abc"


def test_data_error_shows_sentences_not_a_traceback_in_jupyter():
    from hdhkits.findings import DataError
    from IPython.core.interactiveshell import InteractiveShell

    exc = DataError("train.csv", ["column 'x' is missing; use the official file"])
    assert exc._render_traceback_() == [f"DataError: {exc}"]
    shell = InteractiveShell.instance()
    shown = []
    shell._showtraceback = lambda etype, value, stb: shown.append(stb)
    result = shell.run_cell(
        "from hdhkits.findings import DataError\ndef deep():\n    raise DataError('train.csv', ['cut'])\ndeep()"
    )
    assert isinstance(result.error_in_exec, DataError)
    assert shown == [["DataError: train.csv: 1 problem(s)\n  - cut"]]


def test_clip_counts_exactly_what_it_cuts():
    from hdhkits.findings import clip

    assert clip("short", 10) == "short"
    for text, limit in (("a" * 330, 300), ("word " * 100, 120), ("x" * 12_345, 60), ("é" * 50, 30)):
        cut = clip(text, limit)
        assert len(cut) <= limit
        shown, _, count = cut.rpartition("… (+")
        assert int(count.split(" ")[0].replace(",", "")) == len(text) - len(shown), cut
        assert text.startswith(shown)
    assert clip("abcdef", 3) == "abc"  # no room for the count: the first characters
