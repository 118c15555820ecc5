"""The rules across fields and items of a school file: uniqueness, references, weeks, times.

Keys are unique within their kind (rooms within their location; parents and students across
the whole school) and every reference names an existing key. References and uniqueness are
checked on every item, valid or not; rules on typed values only on the parts that passed
type validation (see :mod:`core.school_file.loader`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from core.school_file.fields import field_path, format_duration, minutes_after_midnight
from core.school_file.schema import (
    MAX_LEAD_TIMES,
    SECTIONS,
    Hybrid,
    Lesson,
    Parsed,
    Reminders,
    Term,
    validate_item,
)

__all__ = ["MAX_WEEKS", "cross_item_problems"]

MAX_WEEKS = 15
Loc = tuple[str | int, ...]


def cross_item_problems(parsed: Parsed) -> list[str]:
    """Every problem across fields and items of a file read item by item."""
    return _Checker(parsed).run()


def _text(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    return value if isinstance(value, str) else None


def _children(raw: Mapping[str, Any], name: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(name)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _keyed(parsed: Parsed) -> dict[str, list[tuple[str, str]]]:
    """Every item's key with its path, per kind, valid items or not (so a reference to an
    item with a type error does not produce a second, misleading problem). Rooms are
    listed per location as ``rooms:<location key>``."""
    keyed: dict[str, list[tuple[str, str]]] = {}

    def add(kind: str, path: Loc, item: Mapping[str, Any]) -> None:
        key = _text(item, "key")
        if key is not None:
            keyed.setdefault(kind, []).append((field_path(*path), key))

    for section in SECTIONS:
        for index, item in parsed.items(section):
            add(section, (section, index), item)
    for index, family in parsed.items("families"):
        for member in ("parents", "students"):
            for i, person in _children(family, member):
                add(member, ("families", index, member, i), person)
    for index, location in parsed.items("locations"):
        for i, room in _children(location, "rooms"):
            add(f"rooms:{_text(location, 'key')}", ("locations", index, "rooms", i), room)
    return keyed


# --- meaning: uniqueness, references, weeks and times ------------------------------------------


def _inside(at: time, start: time, end: time) -> bool:
    """Is a local time inside ``[start, end)``, a span that may run past midnight?"""
    return start <= at < end if start <= end else at >= start or at < end


class _Checker:
    """Cross-field and cross-item rules. References and uniqueness are checked on every
    item; rules on typed values only on the parts that passed type validation."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.keyed = _keyed(parsed)
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def known(self, kind: str) -> set[str]:
        return {key for _, key in self.keyed.get(kind, [])}

    def run(self) -> list[str]:
        self.check_reminders()
        for kind in self.keyed:
            self.check_unique(kind)
        self.check_terms()
        self.check_lessons()
        self.check_events()
        return self.problems

    def check_unique(self, kind: str) -> None:
        first: dict[str, str] = {}
        for path, key in self.keyed[kind]:
            if key in first:
                self.add(f"{path}.key", f"duplicate key {key!r} (also {first[key]})")
            else:
                first[key] = path

    def check_reference(self, base: Loc, field_name: str, kind: str, noun: str) -> bool:
        """Whether the raw item's ``field_name`` names a known key (missing/mistyped: True,
        as the type check reports those)."""
        raw = self._raw_at(base)
        key = _text(raw, field_name)
        known = self.known(kind)
        if key is None or key in known:
            return True
        self.add(field_path(*base, field_name), f"no {noun} {key!r} (known: {_list(known)})")
        return False

    def _raw_at(self, base: Loc) -> dict[str, Any]:
        section, index = base
        item = self.parsed.raw[str(section)][int(index)]
        return item if isinstance(item, dict) else {}

    # school and terms

    def check_reminders(self) -> None:
        school = self.parsed.school
        if school is None:
            return
        not_booked = school.reminders.not_booked
        if not_booked.window_end <= not_booked.window_start:
            self.add(
                "school.reminders.not_booked.window_end",
                f"{_hm(not_booked.window_end)} is not after "
                f"window_start {_hm(not_booked.window_start)}",
            )
        self.check_lead_times(school.reminders)
        quiet, agenda = school.reminders.quiet_hours, school.reminders.teacher_agenda
        if quiet is not None and agenda is not None and _inside(agenda, *quiet):
            self.add(
                "school.reminders.teacher_agenda",
                f"{_hm(agenda)} is inside quiet_hours {_hm(quiet[0])}-{_hm(quiet[1])}: "
                "the agenda would wait for the morning",
            )

    def check_lead_times(self, reminders: Reminders) -> None:
        """``before_session``: at most a few lead times, none twice, not with hours_before."""
        leads = reminders.before_session
        if leads is None:
            return
        path = "school.reminders.before_session"
        if "hours_before" in reminders.session.model_fields_set:
            self.add(path, "give either before_session or session.hours_before, not both")
        if not leads:
            self.add(path, 'must list at least one lead time, like ["24h"]')
        if len(leads) > MAX_LEAD_TIMES:
            self.add(path, f"at most {MAX_LEAD_TIMES} lead times, got {len(leads)}")
        first: dict[timedelta, int] = {}
        for index, lead in enumerate(leads):
            if lead in first:
                self.add(
                    f"{path}[{index}]",
                    f"the same lead time as {path}[{first[lead]}] ({format_duration(lead)})",
                )
            else:
                first[lead] = index

    def check_terms(self) -> None:
        for index, term in self.parsed.valid["terms"].items():
            if not 1 <= term.weeks <= MAX_WEEKS:
                self.add(
                    field_path("terms", index, "weeks"), f"must be 1..{MAX_WEEKS}, got {term.weeks}"
                )
            if term.start_date.weekday() != 0:
                self.add(
                    field_path("terms", index, "start_date"),
                    f"{term.start_date} is a {term.start_date.strftime('%A')}, not a Monday",
                )

    # lessons

    def check_lessons(self) -> None:
        terms = {term.key: term for term in self.parsed.valid["terms"].values()}
        for index, raw in self.parsed.items("lessons"):
            base: Loc = ("lessons", index)
            self.check_reference(base, "teacher", "teachers", "teacher")
            self.check_reference(base, "term", "terms", "term")
            self.check_lesson_place(base, raw)
            self.check_enrolments(base, raw)
            lesson = self.parsed.valid["lessons"].get(index)
            if lesson is not None:
                self.check_lesson_time(base, lesson)
            hybrid = self.hybrid_of(base, raw, lesson)
            term_key = _text(raw, "term")
            if hybrid is not None:
                self.check_weeks(base, hybrid, terms.get(term_key) if term_key else None)
                self.check_windows((*base, "hybrid"), hybrid)

    def check_lesson_place(self, base: Loc, raw: Mapping[str, Any]) -> None:
        location, room = _text(raw, "location"), _text(raw, "room")
        if raw.get("location") is None:
            if room is not None:
                self.add(field_path(*base, "room"), "a room needs a location")
            return
        if location is None or not self.check_reference(base, "location", "locations", "location"):
            return
        rooms = self.known(f"rooms:{location}")
        if room is not None and room not in rooms:
            self.add(
                field_path(*base, "room"),
                f"no room {room!r} in location {location!r} (known: {_list(rooms)})",
            )

    def check_lesson_time(self, base: Loc, lesson: Lesson) -> None:
        if minutes_after_midnight(lesson.start_time) + lesson.duration_minutes > 24 * 60:
            self.add(
                field_path(*base, "duration_minutes"),
                f"a lesson starting at {_hm(lesson.start_time)} must end by midnight",
            )

    def check_enrolments(self, base: Loc, raw: Mapping[str, Any]) -> None:
        students = raw.get("students")
        if not isinstance(students, list):
            return
        known = self.known("students")
        seen: set[str] = set()
        for i, student in enumerate(students):
            if not isinstance(student, str):
                continue
            if student in seen:
                self.add(field_path(*base, "students", i), f"student {student!r} is listed twice")
            elif student not in known:
                self.add(
                    field_path(*base, "students", i),
                    f"no student {student!r} (known: {_list(known)})",
                )
            seen.add(student)
        limit = raw.get("max_students")
        if isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit < len(seen):
            self.add(
                field_path(*base, "students"),
                f"{len(seen)} students enrolled but max_students is {limit}",
            )

    def hybrid_of(self, base: Loc, raw: Mapping[str, Any], lesson: Lesson | None) -> Hybrid | None:
        """The lesson's typed hybrid block when there is one to check, after checking that
        it is present exactly for HYBRID lessons."""
        kind = _text(raw, "type")
        block = raw.get("hybrid")
        if kind is not None and kind != "HYBRID" and block is not None:
            self.add(field_path(*base, "hybrid"), f"only HYBRID lessons have one (type is {kind})")
            return None
        if kind == "HYBRID" and block is None:
            self.add(field_path(*base, "hybrid"), "is required for a HYBRID lesson")
            return None
        if lesson is not None:
            return lesson.hybrid
        result = validate_item(Hybrid, block) if block is not None else None
        return result if isinstance(result, Hybrid) else None

    def check_weeks(self, base: Loc, hybrid: Hybrid, term: Term | None) -> None:
        if term is None or not 1 <= term.weeks <= MAX_WEEKS:
            return
        for week in hybrid.individual_weeks:
            if not 1 <= week <= term.weeks:
                self.add(
                    field_path(*base, "hybrid", "individual_weeks"),
                    f"week {week} is outside term {term.key} (1..{term.weeks})",
                )

    def check_windows(self, hpath: Loc, hybrid: Hybrid) -> None:
        if not hybrid.availability:
            self.add(field_path(*hpath, "availability"), "must list at least one window")
            return
        bad = False
        for i, window in enumerate(hybrid.availability):
            if window.end <= window.start:
                bad = True
                self.add(
                    field_path(*hpath, "availability", i, "end"),
                    f"{_hm(window.end)} is not after start {_hm(window.start)}",
                )
        if not bad and all(w.minutes < hybrid.slot_minutes for w in hybrid.availability):
            self.add(
                field_path(*hpath, "slot_minutes"),
                f"a {hybrid.slot_minutes}-minute slot fits in no availability window",
            )

    # events

    def check_events(self) -> None:
        for index, _raw in self.parsed.items("events"):
            base: Loc = ("events", index)
            self.check_reference(base, "location", "locations", "location")
            event = self.parsed.valid["events"].get(index)
            if event is not None and event.end <= event.start:
                self.add(
                    field_path(*base, "end"),
                    f"{_iso(event.end)} is not after start {_iso(event.start)}",
                )


def _hm(at: time) -> str:
    return at.strftime("%H:%M")


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="minutes")


def _list(keys: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(keys)
    if not ordered:
        return "none"
    more = f", ... {len(ordered) - limit} more" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more
