"""README's list of the admin's command line is the parser's: every `musicbot` command is
listed, and every option a line names is one that command takes."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bot.cli.main import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _listing() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### The admin's command line", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found = {o for a in parser._actions for o in a.option_strings}
    for nested in _commands(parser).values() if _has_commands(parser) else ():
        found |= _options(nested)
    return found


def _has_commands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def test_the_readme_lists_every_command_with_options_it_takes() -> None:
    commands = _commands(build_parser())
    listed: set[str] = set()
    for line in _listing():
        words = line.split()
        assert words[0] == "musicbot", line
        for name in words[1].split("|"):  # `open|close`
            assert name in commands, f"README lists {name!r}, which the CLI lacks: {line}"
            listed.add(name)
            taken = _options(commands[name])
            for option in re.findall(r"--[a-z][a-z-]*", line):
                assert option in taken, f"musicbot {name} takes no {option}: {line}"
    assert listed == set(commands), f"not in README: {sorted(set(commands) - listed)}"
