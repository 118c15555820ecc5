"""`musicbot lessons|families --school S`: what the school file's keys are, to type them."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.runtime import Runtime
from core.refs import FamilySummary, LessonRef
from core.schedule import DAYS


def lesson_json(lesson: LessonRef) -> dict[str, Any]:
    return {
        "lesson": lesson.key,
        "lesson_name": lesson.name,
        "type": lesson.type.value,
        "teacher": lesson.teacher_name,
        "day": DAYS[lesson.day],
        "start": lesson.start_time,
        "duration_minutes": lesson.duration_minutes,
        "term": lesson.term_name,
        "term_weeks": lesson.term_weeks,
        "individual_weeks": list(lesson.individual_weeks),
        "bookings_open": lesson.bookings_open,
    }


def lesson_line(lesson: LessonRef) -> str:
    weeks = ""
    if lesson.is_hybrid:
        state = "open" if lesson.bookings_open else "closed"
        weeks = f"  individual weeks {list(lesson.individual_weeks)}  bookings {state}"
    return (
        f"{lesson.key}  {lesson.name}  {lesson.type.value.lower()}  {DAYS[lesson.day][:3].title()} "
        f"{lesson.start_time}  {lesson.teacher_name}{weeks}"
    )


def family_json(family: FamilySummary) -> dict[str, Any]:
    return {
        "family": family.key,
        "family_name": family.name,
        "students": [{"student": key, "student_name": name} for key, name in family.students],
        "parents": [{"name": p.name, "linked": p.linked} for p in family.parents],
    }


def family_line(family: FamilySummary) -> str:
    children = ", ".join(f"{name} ({key})" for key, name in family.students) or "no children"
    linked = sum(1 for p in family.parents if p.linked)
    return f"{family.key}  {family.name}  {children}  parents linked {linked}/{len(family.parents)}"


def _print(rows: list[dict[str, Any]] | list[str], fmt: str, empty: str) -> None:
    if fmt == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif not rows:
        print(empty)
    else:
        for row in rows:
            print(row)


async def lessons(runtime: Runtime, school_id: int, args: argparse.Namespace, _: object) -> int:
    found = await runtime.services.directory.lessons(school_id)
    rows = (
        [lesson_json(x) for x in found]
        if args.format == "json"
        else [lesson_line(x) for x in found]
    )
    _print(rows, args.format, "no lessons")
    return 0


async def families(runtime: Runtime, school_id: int, args: argparse.Namespace, _: object) -> int:
    found = await runtime.services.directory.families(school_id)
    rows = (
        [family_json(x) for x in found]
        if args.format == "json"
        else [family_line(x) for x in found]
    )
    _print(rows, args.format, "no families")
    return 0


async def check_week(runtime: Runtime, school_id: int, lesson_id: int | None, week: int) -> None:
    """A --week outside the term is an error, as for `slots`."""
    directory = runtime.services.directory
    if lesson_id is not None:
        weeks = (await directory.lesson(school_id, lesson_id)).term_weeks
    else:
        weeks = max((x.term_weeks for x in await directory.lessons(school_id)), default=0)
    if not 1 <= week <= max(weeks, 1):
        raise ValueError(f"Week {week} is outside the term (weeks 1 to {weeks}).")
