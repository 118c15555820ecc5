"""The term's office commands: `musicbot export` (bookings or attendance as CSV or xlsx) and
`musicbot attendance` (mark a session's students present or no-show)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.runtime import Runtime
from bot.settings import Settings
from core.exports import ExportKind, to_csv, to_xlsx


def add_parsers(sub: Any, week_number: Any) -> None:  # argparse's _SubParsersAction is private
    """Register `export` and `attendance` on the `musicbot` parser (``week_number``: the
    argparse type of a term week)."""
    exp = sub.add_parser("export", help="a term's bookings or attendance as CSV or xlsx")
    exp.add_argument("--school", required=True, help="the school's key")
    exp.add_argument(
        "--term", required=True, help="the term's key (or its name, or its start date)"
    )
    exp.add_argument("--what", choices=[k.value for k in ExportKind], default="bookings")
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument(
        "--output",
        default=None,
        help="file to write (csv: stdout when absent; xlsx: SCHOOL-TERM-WHAT.xlsx when absent)",
    )

    att = sub.add_parser(
        "attendance", help="mark a session's students present or no-show (once it has started)"
    )
    att.add_argument("--school", required=True, help="the school's key")
    att.add_argument("--lesson", required=True)
    att.add_argument("--week", type=week_number, required=True, help="term week (1-based)")
    att.add_argument("--present", nargs="+", default=[], metavar="STUDENT", help="students' keys")
    att.add_argument("--no-show", nargs="+", default=[], metavar="STUDENT", help="students' keys")
    att.add_argument("--format", choices=("text", "json"), default="text", help="output format")


async def export(runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings) -> int:
    result = await runtime.services.exports.term_export(school_id, args.term, ExportKind(args.what))
    if args.format == "csv":
        data = to_csv(result)
        if args.output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return 0
    else:
        data = to_xlsx(result)
    path = Path(args.output or result.file_name("xlsx"))
    try:
        await asyncio.to_thread(path.write_bytes, data)
    except OSError as exc:  # a missing folder, no permission, a full disk: one line
        raise ValueError(f"could not write {path}: {exc.strerror or exc}") from None
    print(f"wrote {len(result.rows)} row(s) to {path}")
    return 0


async def attendance(
    runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings
) -> int:
    from bot.cli.commands import CLI_ACTOR, _print_json, booking_json, booking_line

    if not args.present and not args.no_show:
        raise ValueError("name at least one student with --present or --no-show")
    services = runtime.services
    directory = services.directory
    lesson_id = await directory.lesson_id(school_id, args.lesson)
    present = [await directory.student_id(school_id, key) for key in args.present]
    no_show = [await directory.student_id(school_id, key) for key in args.no_show]
    marked = await services.attendance.mark_session(
        school_id, CLI_ACTOR, lesson_id, args.week, present=present, no_show=no_show
    )
    if args.format == "json":
        _print_json([booking_json(b) for b in marked])
    else:
        for booking in marked:
            print(f"marked {booking_line(booking)}")
    return 0
