"""hdhkits.bundle.command: `hdhkits bundle` builds a zip and checks one, with its errors in the CLI's shape."""

import zipfile

import pytest

from .test_cli import run


def test_bundle_then_check(capsys, tmp_path):
    out = tmp_path / "a.zip"
    code, text, err = run(capsys, "bundle", "cardihack", "--out", out, "--size", "quick", "--seed", "2")
    assert code == 0, err
    assert out.is_file() and "score, kappa_mace, severity_rescaled, severity_logloss" in text
    assert f"hdhkits bundle --check {out}" in text
    code, text, err = run(capsys, "bundle", "--check", out)
    assert code == 0, err
    assert "passes the check" in text and "equal to `hdhkits score`" in text
    # an existing zip is kept unless --force
    code, _, err = run(capsys, "bundle", "cardihack", "--out", out, "--size", "quick")
    assert code == 2 and "--force" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bundle"], "KIT: missing; name a kit and the zip to write"),
        (["bundle", "annitia", "--out", "x.tar"], "a bundle is a zip"),
        (["bundle", "nokit", "--out", "x.zip"], "unknown kit 'nokit'"),
        (["bundle", "--check", "missing.zip"], "missing.zip: file not found"),
        (["bundle", "annitia", "--check", "missing.zip"], "--check: takes only the bundle; run"),
    ],
)
def test_bundle_input_errors(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("error: ") and message in err


def test_bundle_check_of_a_failing_bundle_exits_1(capsys, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("competition.yaml", "version: 2\ntitle: x\n")
    code, _, err = run(capsys, "bundle", "--check", bad)
    assert code == 1 and "key 'tasks' is missing" in err and "not in the zip" not in err
    (tmp_path / "not.zip").write_text("plain text")
    code, _, err = run(capsys, "bundle", "--check", tmp_path / "not.zip")
    assert code == 2 and "not a zip file" in err
