"""hdhkits.commands.listing: ``hdhkits list``."""

import argparse

from hdhkits.commands import listing
from hdhkits.problem import KITS, NOTEBOOKS, get_problem


def test_list_names_every_kit_with_its_metric_and_notebooks(capsys):
    parser = argparse.ArgumentParser()
    listing.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["list"])
    assert args.func is listing.run
    assert listing.run(args) == 0
    out = capsys.readouterr().out
    for kit in KITS:
        assert f"{kit:<10} {get_problem(kit).title}: " in out
    assert out.count(f"notebooks: {', '.join(NOTEBOOKS)}") == len(KITS)
