"""`musicbot waitlist --school S [--lesson L] [--week N]`: who waits for a full week, in order."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli.listing import check_week
from bot.runtime import Runtime
from bot.settings import Settings
from core.waitlist.service import WaitingView


def add_parser(sub: Any) -> None:  # argparse's _SubParsersAction is private
    """Register `waitlist` on the `musicbot` parser."""
    wl = sub.add_parser(
        "waitlist", help="who waits for a slot of a full individual week, in order of joining"
    )
    wl.add_argument("--school", required=True, help="the school's key")
    wl.add_argument("--lesson", default=None, help="one lesson's key (default: every lesson)")
    wl.add_argument("--week", type=int, default=None, help="one individual week")
    wl.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def waiting_json(view: WaitingView) -> dict[str, Any]:
    return {
        "id": view.id,
        "lesson": view.lesson_key,
        "lesson_name": view.lesson_name,
        "week": view.week,
        "position": view.position,
        "student": view.student_key,
        "student_name": view.student_name,
        "family": view.family_key,
        "family_name": view.family_name,
        "joined_at": view.joined_at.isoformat(),
        "joined_by": view.joined_by,
        "offered_until": view.offered_until.isoformat() if view.offered_until else None,
    }


def waiting_line(view: WaitingView) -> str:
    offer = f"  offered until {view.offered_until:%Y-%m-%d %H:%M} UTC" if view.offered_until else ""
    return (
        f"{view.lesson_key}  week {view.week}  #{view.position}  {view.student_name} "
        f"({view.student_key})  {view.family_name}  joined {view.joined_at:%Y-%m-%d %H:%M} UTC"
        f"{offer}"
    )


async def waitlist(runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings) -> int:
    services = runtime.services
    lesson_id = await services.directory.lesson_id(school_id, args.lesson) if args.lesson else None
    if args.week is not None:
        await check_week(runtime, school_id, lesson_id, args.week)
    found = await services.waitlist.waiting(school_id, lesson_id, args.week)
    if args.format == "json":
        json.dump([waiting_json(v) for v in found], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif not found:
        print("nobody is waiting")
    else:
        for view in found:
            print(waiting_line(view))
    return 0
