"""The `musicbot` command line (also `python -m bot`): the bot, the demo and the admin's tools.

Every command exits non-zero with a one-line reason on error; listing commands take
`--format json`. School, lesson, student and family are named by their school-file keys.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from pydantic import ValidationError

from bot.app import PollingConflict
from bot.cli import api_keys
from bot.cli import approval as cli_approval
from bot.cli import commands as cli_commands
from bot.cli import term as cli_term
from bot.cli import waitlist as cli_waitlist
from bot.logs import configure_logging
from bot.runtime import DatabaseUnavailable
from bot.settings import Settings
from core.db.models import BookingStatus
from core.errors import DomainError, SchoolFileError
from core.schedule import parse_hhmm

MAX_INVITE_DAYS = 365
MAX_WEEK = 15  # a term has 1..15 weeks
MAX_ID = 2**31 - 1  # row ids (bookings) are PostgreSQL integers


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else a plain refusal."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def _clock_time(text: str) -> str:
    """An argparse type: a time of day ``HH:MM`` (kept as written)."""
    try:
        parse_hhmm(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


WEEK = _whole_number(1, MAX_WEEK)
ID = _whole_number(1, MAX_ID)


class _Parser(argparse.ArgumentParser):
    """argparse, refusing bad arguments in one line (``--help`` still shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def _school(p: argparse.ArgumentParser) -> None:
    p.add_argument("--school", required=True, help="the school's key")


def _fmt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _slot_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--week", type=WEEK, required=True, help="term week (1-based)")
    p.add_argument("--at", type=_clock_time, required=True, help="slot start, local HH:MM")
    p.add_argument(
        "--day",
        help="day of the slot (MONDAY..SUNDAY), needed only when several days have a slot at --at",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="musicbot",
        description="Telegram booking assistant for music schools with hybrid lessons.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="run the bot (long polling); applies pending migrations")
    demo = sub.add_parser(
        "demo", help="try it without a token: the example school and a chat in this terminal"
    )
    demo.add_argument("--user", type=ID, default=3001, help="Telegram id to chat as")
    demo.add_argument("--file", default=None, help="school file (default: the example school)")
    sub.add_parser("migrate", help="apply pending database migrations")

    imp = sub.add_parser("import", help="create or update a school from its school file")
    imp.add_argument("file", help="path of the school file (YAML)")
    imp.add_argument(
        "--term-starts",
        metavar="DATE|next-monday",
        help="move the file's terms (and events) so the first term starts on this Monday",
    )
    _fmt(imp)

    inv = sub.add_parser("invite", help="print one invite link per parent of a family")
    _school(inv)
    inv.add_argument("--family", required=True, help="the family's key")
    inv.add_argument(
        "--days",
        type=_whole_number(1, MAX_INVITE_DAYS),
        default=14,
        help=f"days the links stay valid (1 to {MAX_INVITE_DAYS})",
    )
    _fmt(inv)

    feed = sub.add_parser(
        "feed",
        help="print the calendar feed URL of a family or a teacher (the same one each time)",
        description="Print the URL calendar apps subscribe to (PUBLIC_URL + /ical/<token>.ics). "
        "The same URL is printed again until it is revoked; --revoke ends it (it answers 404 "
        "from then on) and the next `feed` makes a new one.",
    )
    _school(feed)
    owner = feed.add_mutually_exclusive_group(required=True)
    owner.add_argument("--family", help="the family's key")
    owner.add_argument("--teacher", help="the teacher's key")
    feed.add_argument("--revoke", action="store_true", help="end the current URL")
    _fmt(feed)

    slots = sub.add_parser("slots", help="free slots of a hybrid lesson's individual week")
    _school(slots)
    slots.add_argument("--lesson", required=True)
    slots.add_argument("--week", type=WEEK, required=True)
    _fmt(slots)

    book = sub.add_parser("book", help="book a student's slot on behalf of the family")
    _school(book)
    book.add_argument("--lesson", required=True)
    book.add_argument("--student", required=True)
    _slot_args(book)
    _fmt(book)

    res = sub.add_parser("reschedule", help="move a booking to another slot (atomic)")
    _school(res)
    res.add_argument("--booking", type=ID, required=True, help="booking id")
    _slot_args(res)
    _fmt(res)

    can = sub.add_parser("cancel", help="cancel a booking")
    _school(can)
    can.add_argument("--booking", type=ID, required=True, help="booking id")
    can.add_argument("--reason", default=None, help="kept with the booking (500 characters)")
    _fmt(can)

    lst = sub.add_parser("bookings", help="list bookings")
    _school(lst)
    lst.add_argument("--lesson", default=None)
    lst.add_argument("--week", type=WEEK, default=None)
    lst.add_argument("--all", action="store_true", help="include cancelled bookings")
    lst.add_argument(
        "--status",
        type=str.lower,
        choices=[s.value.lower() for s in BookingStatus],
        default=None,
        help="only bookings in this status (e.g. pending: waiting for the teacher's confirmation)",
    )
    _fmt(lst)

    st = sub.add_parser("stats", help="a hybrid lesson's booking statistics")
    _school(st)
    st.add_argument("--lesson", required=True)
    _fmt(st)

    for name, text in (("open", "open bookings"), ("close", "close bookings")):
        p = sub.add_parser(name, help=f"{text} of a hybrid lesson")
        _school(p)
        p.add_argument("--lesson", required=True)
        _fmt(p)
    api_keys.add_parser(sub)
    for name, text in (
        ("lessons", "the school's lessons and their keys"),
        ("families", "the school's families, their children and linked parents"),
    ):
        p = sub.add_parser(name, help=text)
        _school(p)
        _fmt(p)
    cli_term.add_parsers(sub, WEEK)  # export, attendance
    cli_approval.add_parsers(sub, ID)  # approve, decline
    cli_waitlist.add_parser(sub)
    return parser


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())).upper()
        return _fail(f"bad setting {where}: {first.get('msg')}", 2)
    configure_logging(
        settings.log_level if args.command in ("run", "demo") else "WARNING",
        (settings.telegram_bot_token, settings.webhook_secret),
    )
    try:
        if args.command == "import":
            cli_commands.read_school_file(args)
        return asyncio.run(cli_commands.dispatch(args, settings)) or 0
    except SchoolFileError as exc:
        print(
            f"error: the school file was not imported ({len(exc.problems)} problem(s)):",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except DomainError as exc:  # the command line's words stay English
        return _fail(exc.english)
    except (DatabaseUnavailable, PollingConflict) as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
