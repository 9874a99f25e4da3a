"""The ``hdhkits`` command line's reference, generated from its argparse parsers.

The directive ``.. hdhkits-cli::`` (``docs/cli.rst``) walks the parser that
:func:`hdhkits.cli.build_parser` returns, and the subparsers under it, and writes one
section per command: its help sentence, its usage line, each argument with its choices,
default and help, and the module that runs it. A subcommand or an option added to the
parsers is in the next build, with no edit of the docs.

argparse offers no public way to list a parser's arguments or subcommands: this module
reads ``ArgumentParser._actions`` and ``_SubParsersAction._choices_actions``, as every
argparse documentation tool does. It is a pure function of the parser
(:func:`reference_lines`), so ``tests/test_docs.py`` checks it without a build.
"""

from __future__ import annotations

import argparse
import functools
import sys
from dataclasses import dataclass

from docutils import nodes
from docutils.statemachine import StringList
from rst_text import plain
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

__all__ = [
    "USAGE_WIDTH",
    "Command",
    "CommandLineReference",
    "argument_entry",
    "command_lines",
    "commands",
    "reference_lines",
    "setup",
]

#: Columns of the usage lines (the terminal's width would make the page depend on the machine).
USAGE_WIDTH = 88


@dataclass(frozen=True)
class Command:
    """One command of the tree: ``hdhkits`` itself or one of its subcommands.

    Parameters
    ----------
    words : tuple of str
        The command as typed, e.g. ``("hdhkits", "data")``.
    parser : argparse.ArgumentParser
        Its parser.
    summary : str
        Its one-line help in its parent's list of subcommands (the top command's description).
    """

    words: tuple[str, ...]
    parser: argparse.ArgumentParser
    summary: str

    @property
    def name(self) -> str:
        """The command as typed, ``hdhkits data``."""
        return " ".join(self.words)


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """``(name, parser, help)`` of each subcommand of ``parser``, in the order they were added."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for listed in action._choices_actions:  # one per subcommand, aliases left out
                found.append((listed.dest, action.choices[listed.dest], listed.help or ""))
    return found


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] | None = None) -> list[Command]:
    """``parser`` and every subcommand below it, depth first, in the order they were added.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The top parser (:func:`hdhkits.cli.build_parser`).
    words : tuple of str, optional
        The command as typed (default: the parser's ``prog``).

    Returns
    -------
    list of Command
        The top command first.
    """
    words = words or (parser.prog,)
    found = [Command(words, parser, parser.description or "")]
    for name, sub, summary in _subcommands(parser):
        below = commands(sub, (*words, name))
        found += [Command(below[0].words, sub, summary or sub.description or ""), *below[1:]]
    return found


def _metavar(action: argparse.Action) -> str:
    """What the user types after an option (or for a positional), as ``--help`` shows it."""
    if action.nargs == 0:
        return ""
    if action.metavar is not None:
        word = action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    elif action.choices is not None:
        word = "{" + ",".join(str(c) for c in action.choices) + "}"
    else:
        word = action.dest if not action.option_strings else action.dest.upper()
    if action.nargs == "?":
        return f"[{word}]"
    if action.nargs == "*":
        return f"[{word} ...]"
    if action.nargs == "+":
        return f"{word} [{word} ...]"
    if isinstance(action.nargs, int):
        return " ".join([word] * action.nargs)
    return word


def argument_entry(action: argparse.Action, prog: str) -> list[str]:
    """The definition-list entry of one argument: its form, then its help, choices and default.

    Parameters
    ----------
    action : argparse.Action
        The argument.
    prog : str
        Its command (``%(prog)s`` in a help text).

    Returns
    -------
    list of str
        reStructuredText lines, the help indented under the term.
    """
    metavar = _metavar(action)
    if action.option_strings:
        term = ", ".join(f"{option} {metavar}".strip() for option in action.option_strings)
    else:
        term = metavar
    help_text = action.help or ""
    if "%(" in help_text:  # argparse's own expansion of %(default)s, %(choices)s, %(prog)s
        help_text = help_text % {**vars(action), "prog": prog}
    details = []
    if action.option_strings and action.required:
        details.append("required")
    if action.choices is not None and action.metavar is not None:
        details.append("one of " + ", ".join(f"``{c}``" for c in action.choices))
    shown_default = action.default not in (None, False, argparse.SUPPRESS) and action.nargs != 0
    if shown_default and "default" not in help_text:  # a help text that gives its default says it better
        details.append(f"default ``{action.default}``")
    text = " ".join([plain(help_text), f"({'; '.join(details)})" if details else ""]).strip()
    return [f"``{term}``", f"   {text or '—'}", ""]


def _usage(parser: argparse.ArgumentParser) -> list[str]:
    """The usage lines of ``parser`` at :data:`USAGE_WIDTH` columns."""
    formatter = parser.formatter_class
    parser.formatter_class = functools.partial(argparse.HelpFormatter, width=USAGE_WIDTH)  # type: ignore[assignment]
    try:
        return parser.format_usage().strip().splitlines()
    finally:
        parser.formatter_class = formatter


def _runner(parser: argparse.ArgumentParser) -> str | None:
    """The reference to the function a subcommand runs (its ``func`` default), or None."""
    func = parser.get_default("func")
    if func is None or not getattr(func, "__module__", "").startswith("hdhkits"):
        return None
    return f"Runs :func:`{func.__module__}.{func.__qualname__}` (module :mod:`{func.__module__}`)."


def command_lines(command: Command, underline: str) -> list[str]:
    """One command's section: title, summary, usage, arguments, the function it runs."""
    lines = [command.name, underline * len(command.name), ""]
    if command.summary:
        lines += [plain(command.summary[:1].upper() + command.summary[1:]), ""]
    lines += [".. code-block:: text", "", *(f"   {line}" for line in _usage(command.parser)), ""]
    shown = [
        action
        for action in command.parser._actions
        if action.help != argparse.SUPPRESS
        and not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    ]
    for title, group in (
        ("Arguments", [a for a in shown if not a.option_strings]),
        ("Options", [a for a in shown if a.option_strings]),
    ):
        if group:
            lines += [f".. rubric:: {title}", ""]
            for action in group:
                lines += argument_entry(action, command.parser.prog)
    runner = _runner(command.parser)
    if runner:
        lines += [runner, ""]
    return lines


def reference_lines(parser: argparse.ArgumentParser) -> list[str]:
    """The whole reference as reStructuredText: one section per command, the top command first.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The top parser (:func:`hdhkits.cli.build_parser`).

    Returns
    -------
    list of str
        Lines for ``nested_parse_with_titles``: a section for the top command and one
        beside it per subcommand (deeper subcommands one level further down).
    """
    lines: list[str] = []
    for command in commands(parser):
        # The top command and its subcommands side by side; a subcommand's own subcommands below it.
        lines += command_lines(command, "-=~^"[min(max(len(command.words) - 2, 0), 3)])
    return lines


class CommandLineReference(SphinxDirective):
    """``.. hdhkits-cli::``: the reference of :func:`hdhkits.cli.build_parser`'s commands."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse :func:`reference_lines` in place; rebuild the page when a command's module changes."""
        from hdhkits.cli import build_parser

        parser = build_parser()
        for command in commands(parser):
            func = command.parser.get_default("func")
            module = sys.modules.get(getattr(func, "__module__", "hdhkits.cli"))
            if module is not None and getattr(module, "__file__", None):
                self.env.note_dependency(module.__file__)
        self.env.note_dependency(sys.modules["hdhkits.cli"].__file__)
        self.env.note_dependency(__file__)  # an edit of this extension changes the page too
        holder = nodes.section()
        holder.document = self.state.document
        nested_parse_with_titles(self.state, StringList(reference_lines(parser), source="hdhkits-cli"), holder)
        return holder.children


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the directive."""
    app.add_directive("hdhkits-cli", CommandLineReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
