"""hdhkits.workshop.command: the subcommand's arguments and output, and the CLI's error line."""

import argparse
from pathlib import Path

import pytest
from hdhkits import cli
from hdhkits.workshop import command
from hdhkits.workshop.pack import WorkshopError

from .workshop_support import KIT, fake_teaching, write_fake_kits


@pytest.fixture(scope="module")
def fake_kits(tmp_path_factory) -> Path:
    return write_fake_kits(tmp_path_factory.mktemp("repo") / "kits")


def test_command_line(fake_kits, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("hdhkits.workshop.pack.load_teaching", lambda kit: fake_teaching(kit))
    parser = argparse.ArgumentParser(prog="hdhkits")
    command.add_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "pack"
    args = parser.parse_args(
        ["workshop", KIT, "--out", str(out), "--minutes", "90", "--seed", "1", "--kits-dir", str(fake_kits)]
    )
    assert args.func(args) == 0
    printed = capsys.readouterr()
    assert "Workshop pack for Cardi-HACK (90 minutes, twin seed 1)" in printed.out and "FACILITATOR.md" in printed.out
    with pytest.raises(SystemExit):
        parser.parse_args(["workshop", KIT, "--out", str(out), "--minutes", "60"])
    with pytest.raises(WorkshopError, match="exists and is not empty"):
        args.func(args)


def test_the_cli_wires_workshop_and_prints_its_error(capsys):
    assert cli.main(["workshop", "nokit", "--out", "unused"]) == 2
    assert capsys.readouterr().err.startswith("error: KIT: unknown kit")
