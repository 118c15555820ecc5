"""The school file: parse and validate one YAML file describing a school.

``parse_school_file(text_or_path)`` returns a typed :class:`SchoolFile` or raises
:class:`~core.errors.SchoolFileError` listing *every* problem of the file, one line each,
as ``field.path: message`` (e.g. ``lessons[0].teacher: no teacher 'smyth' (known: jones,
lee)``). ``school_file_problems`` returns the same lines without raising.

The format is described in ``school-file.md``. Validation is strict: unknown keys are
errors, types are not coerced (quote times and phone numbers), keys are unique within
their kind (rooms within their location; parents and students across the whole school),
and every reference names an existing key.

Reminders (optional, under ``school:``), read by the scheduler and stored as a plain dict
in ``School.reminders`` with every default filled in::

    school:
      reminders:
        not_booked:            # families who still have to book an individual week
          enabled: true        # default true
          every_hours: 48      # default 48: at most one reminder per family this often
          max_times: 3         # default 3: reminders per family and week at most
          window_start: "09:00"  # default "09:00": only send between these local times
          window_end: "20:00"    # default "20:00"
        session:               # before a booked individual session
          enabled: true        # default true
          hours_before: 24     # default 24
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    ValidationError,
)

from core.errors import SchoolFileError
from core.schedule import DAYS, parse_hhmm

__all__ = [
    "Admin",
    "AvailabilityWindow",
    "Event",
    "Family",
    "Hybrid",
    "Lesson",
    "Location",
    "NotBookedReminders",
    "Parent",
    "Reminders",
    "Room",
    "SchoolFile",
    "SchoolInfo",
    "SessionReminders",
    "Student",
    "Teacher",
    "Term",
    "event_instants",
    "load_school_text",
    "parse_school_file",
    "school_file_problems",
]

MAX_WEEKS = 15
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# --- field types -------------------------------------------------------------------------


def _key(value: str) -> str:
    if len(value) > 64 or not _KEY_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid key (letters, digits, '-', '_' or '.', at most 64)"
        )
    return value


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > 200:
        raise ValueError("is longer than 200 characters")
    return value


def _hhmm(value: object) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f'{value!r} is not a time: write it in quotes, like "16:30"')
    return parse_hhmm(value)


def _day(value: str) -> str:
    if value not in DAYS:
        raise ValueError(f"{value!r} is not a day (MONDAY..SUNDAY)")
    return value


def _positive(value: int) -> int:
    if value <= 0:
        raise ValueError(f"must be more than 0, got {value}")
    return value


def _telegram_id(value: int) -> int:
    if value <= 0:
        raise ValueError(f"must be a positive integer (a Telegram user id), got {value}")
    return value


def _date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date like 2027-02-01")


def _local_datetime(value: object) -> datetime:
    parsed: datetime | None = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValueError(f"{value!r} is not a date and time like 2027-01-30T10:00")
    if parsed.tzinfo is not None:
        raise ValueError("give the school's local time, without a UTC offset")
    return parsed


def _phone(value: object) -> object:
    if value is not None and not isinstance(value, str):
        raise ValueError('write phone numbers in quotes, like "+61400000001"')
    if isinstance(value, str) and len(value) > 40:
        raise ValueError("is longer than 40 characters")
    return value


def _event_type(value: str) -> str:
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,39}", value):
        raise ValueError(f"{value!r} is not an event type like MEET_AND_GREET (capitals and _)")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a known IANA timezone (e.g. Australia/Sydney)"
        ) from None
    return value


def _week_list(value: list[int]) -> list[int]:
    if not value:
        raise ValueError("must list at least one week")
    seen: set[int] = set()
    for week in value:
        if week in seen:
            raise ValueError(f"week {week} is listed twice")
        seen.add(week)
    return value


def _serialize_time(value: time) -> str:
    return value.strftime("%H:%M")


Key = Annotated[str, AfterValidator(_key)]
Name = Annotated[str, AfterValidator(_name)]
HHMM = Annotated[time, BeforeValidator(_hhmm), PlainSerializer(_serialize_time, when_used="json")]
Day = Annotated[str, AfterValidator(_day)]
PositiveInt = Annotated[int, AfterValidator(_positive)]
TelegramId = Annotated[int, AfterValidator(_telegram_id)]
LocalDate = Annotated[date, BeforeValidator(_date)]
LocalDateTime = Annotated[datetime, BeforeValidator(_local_datetime)]
Phone = Annotated[str | None, BeforeValidator(_phone)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]
EventType = Annotated[str, AfterValidator(_event_type)]
Weeks = Annotated[list[int], AfterValidator(_week_list)]
LessonTypeName = Literal["INDIVIDUAL", "GROUP", "BAND", "HYBRID"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- the file's sections -------------------------------------------------------------------


class NotBookedReminders(_Model):
    enabled: bool = True
    every_hours: PositiveInt = 48
    max_times: PositiveInt = 3
    window_start: HHMM = time(9, 0)
    window_end: HHMM = time(20, 0)


class SessionReminders(_Model):
    enabled: bool = True
    hours_before: PositiveInt = 24


class Reminders(_Model):
    not_booked: NotBookedReminders = NotBookedReminders()
    session: SessionReminders = SessionReminders()

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready dict stored in ``School.reminders`` (times as "HH:MM")."""
        return self.model_dump(mode="json")


class SchoolInfo(_Model):
    key: Key
    name: Name
    timezone: TimeZoneName
    reminders: Reminders = Reminders()


class Admin(_Model):
    key: Key
    name: Name
    telegram_id: TelegramId | None = None


class Teacher(_Model):
    key: Key
    name: Name
    telegram_id: TelegramId | None = None


class Room(_Model):
    key: Key
    name: Name


class Location(_Model):
    key: Key
    name: Name
    rooms: list[Room] = []


class Term(_Model):
    key: Key
    name: Name
    start_date: LocalDate
    weeks: int


class Parent(_Model):
    key: Key
    name: Name
    telegram_id: TelegramId | None = None
    phone: Phone = None


class Student(_Model):
    key: Key
    name: Name


class Family(_Model):
    key: Key
    name: Name
    parents: list[Parent] = []
    students: list[Student] = []


class AvailabilityWindow(_Model):
    day: Day
    start: HHMM
    end: HHMM

    @property
    def day_index(self) -> int:
        return DAYS.index(self.day)

    @property
    def minutes(self) -> int:
        return _minutes(self.end) - _minutes(self.start)


class Hybrid(_Model):
    individual_weeks: Weeks
    slot_minutes: PositiveInt
    availability: list[AvailabilityWindow]
    bookings_open: bool = False


class Lesson(_Model):
    key: Key
    name: Name
    type: LessonTypeName
    term: Key
    teacher: Key
    location: Key | None = None
    room: Key | None = None
    day: Day
    start_time: HHMM
    duration_minutes: PositiveInt
    max_students: PositiveInt | None = None
    students: list[Key] = []
    hybrid: Hybrid | None = None

    @property
    def day_index(self) -> int:
        return DAYS.index(self.day)


class Event(_Model):
    key: Key
    title: Name
    type: EventType
    start: LocalDateTime
    end: LocalDateTime
    location: Key | None = None


class SchoolFile(_Model):
    """A whole, valid school file."""

    school: SchoolInfo
    admins: list[Admin] = []
    teachers: list[Teacher] = []
    locations: list[Location] = []
    terms: list[Term] = []
    families: list[Family] = []
    lessons: list[Lesson] = []
    events: list[Event] = []


SECTIONS: dict[str, type[_Model]] = {
    "admins": Admin,
    "teachers": Teacher,
    "locations": Location,
    "terms": Term,
    "families": Family,
    "lessons": Lesson,
    "events": Event,
}
TOP_KEYS = ("school", *SECTIONS)


# --- YAML loading ---------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML without base-60 numbers (``16:00`` stays a string) and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    list("-+0123456789"),
)


def load_school_text(text_or_path: str | Path) -> tuple[str, str]:
    """The file's text and a label for messages. A ``Path``, or a one-line string naming
    an existing ``.yaml``/``.yml`` file, is read; any other string is the YAML itself."""
    if isinstance(text_or_path, Path) or _looks_like_path(text_or_path):
        path = Path(text_or_path)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise SchoolFileError([f"{path}: file not found"]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SchoolFileError([f"{path}: cannot read the file ({exc})"]) from None
    return text_or_path, "school file"


def _looks_like_path(value: str) -> bool:
    if "\n" in value or ":" in value.replace("\\", "/").split("/")[-1]:
        return False
    return value.strip().endswith((".yaml", ".yml")) or Path(value).is_file()


def _load_yaml(text: str, label: str) -> object:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else label
        raise SchoolFileError([f"{where}: {exc.problem or exc.context} (YAML syntax)"]) from None
    except yaml.YAMLError as exc:
        raise SchoolFileError([f"{label}: not valid YAML ({exc})"]) from None


# --- paths and pydantic errors ----------------------------------------------------------------


def _path(*parts: str | int) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _error_message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key"
    message = str(error["msg"])
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    value = error.get("input")
    if value is not None and not isinstance(value, dict | list):
        message += f", got {_short(value)}"
    return message


def _pydantic_problems(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[str]:
    problems = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if not _is_pydantic_tag(part))
        problems.append(f"{_path(*prefix, *loc)}: {_error_message(error)}")
    return problems


def _is_pydantic_tag(part: object) -> bool:
    # union and validator steps show up in locations, e.g. "function-after[...]" or "int"
    return isinstance(part, str) and ("[" in part or part in {"int", "str", "none"})


# --- structure: each item on its own, so one bad item does not hide the others --------------

M = TypeVar("M", bound=_Model)
Loc = tuple[str | int, ...]


@dataclass
class _Parsed:
    """The file's items as given (``raw``) and those that passed type validation."""

    school: SchoolInfo | None = None
    raw: dict[str, list[object]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    valid: dict[str, dict[int, Any]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    problems: list[str] = field(default_factory=list)

    def items(self, section: str) -> list[tuple[int, dict[str, Any]]]:
        """The section's items that are mappings, with their index."""
        return [(i, item) for i, item in enumerate(self.raw.get(section, [])) if _is_map(item)]


def _is_map(value: object) -> bool:
    return isinstance(value, dict)


def _validate(model: type[M], value: object) -> M | ValidationError:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        return exc


def _parse_structure(data: object, label: str) -> _Parsed:
    parsed = _Parsed()
    if data is None:
        parsed.problems.append(f"{label}: the file is empty")
        return parsed
    if not isinstance(data, dict):
        parsed.problems.append(f"{label}: expected a mapping with keys {', '.join(TOP_KEYS)}")
        return parsed
    for key in data:
        if key not in TOP_KEYS:
            parsed.problems.append(f"{key}: unknown key")
    _parse_school(data, parsed)
    for section, model in SECTIONS.items():
        _parse_section(section, model, data.get(section), parsed)
    return parsed


def _parse_school(data: dict[Any, Any], parsed: _Parsed) -> None:
    if "school" not in data:
        parsed.problems.append("school: is required")
        return
    result = _validate(SchoolInfo, data["school"])
    if isinstance(result, ValidationError):
        parsed.problems.extend(_pydantic_problems(result, ("school",)))
    else:
        parsed.school = result


def _parse_section(section: str, model: type[_Model], value: object, parsed: _Parsed) -> None:
    parsed.raw[section] = []
    parsed.valid[section] = {}
    if value is None:
        return
    if not isinstance(value, list):
        parsed.problems.append(f"{section}: expected a list")
        return
    parsed.raw[section] = value
    for index, item in enumerate(value):
        result = _validate(model, item)
        if isinstance(result, ValidationError):
            parsed.problems.extend(_pydantic_problems(result, (section, index)))
        else:
            parsed.valid[section][index] = result


def _text(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    return value if isinstance(value, str) else None


def _children(raw: Mapping[str, Any], name: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(name)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if _is_map(item)]


def _keyed(parsed: _Parsed) -> dict[str, list[tuple[str, str]]]:
    """Every item's key with its path, per kind, valid items or not (so a reference to an
    item with a type error does not produce a second, misleading problem). Rooms are
    listed per location as ``rooms:<location key>``."""
    keyed: dict[str, list[tuple[str, str]]] = {}

    def add(kind: str, path: Loc, item: Mapping[str, Any]) -> None:
        key = _text(item, "key")
        if key is not None:
            keyed.setdefault(kind, []).append((_path(*path), key))

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


class _Checker:
    """Cross-field and cross-item rules. References and uniqueness are checked on every
    item; rules on typed values only on the parts that passed type validation."""

    def __init__(self, parsed: _Parsed) -> None:
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
        self.add(_path(*base, field_name), f"no {noun} {key!r} (known: {_list(known)})")
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

    def check_terms(self) -> None:
        for index, term in self.parsed.valid["terms"].items():
            if not 1 <= term.weeks <= MAX_WEEKS:
                self.add(
                    _path("terms", index, "weeks"), f"must be 1..{MAX_WEEKS}, got {term.weeks}"
                )
            if term.start_date.weekday() != 0:
                self.add(
                    _path("terms", index, "start_date"),
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
                self.add(_path(*base, "room"), "a room needs a location")
            return
        if location is None or not self.check_reference(base, "location", "locations", "location"):
            return
        rooms = self.known(f"rooms:{location}")
        if room is not None and room not in rooms:
            self.add(
                _path(*base, "room"),
                f"no room {room!r} in location {location!r} (known: {_list(rooms)})",
            )

    def check_lesson_time(self, base: Loc, lesson: Lesson) -> None:
        if _minutes(lesson.start_time) + lesson.duration_minutes > 24 * 60:
            self.add(
                _path(*base, "duration_minutes"),
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
                self.add(_path(*base, "students", i), f"student {student!r} is listed twice")
            elif student not in known:
                self.add(
                    _path(*base, "students", i), f"no student {student!r} (known: {_list(known)})"
                )
            seen.add(student)
        limit = raw.get("max_students")
        if isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit < len(seen):
            self.add(
                _path(*base, "students"),
                f"{len(seen)} students enrolled but max_students is {limit}",
            )

    def hybrid_of(self, base: Loc, raw: Mapping[str, Any], lesson: Lesson | None) -> Hybrid | None:
        """The lesson's typed hybrid block when there is one to check, after checking that
        it is present exactly for HYBRID lessons."""
        kind = _text(raw, "type")
        block = raw.get("hybrid")
        if kind is not None and kind != "HYBRID" and block is not None:
            self.add(_path(*base, "hybrid"), f"only HYBRID lessons have one (type is {kind})")
            return None
        if kind == "HYBRID" and block is None:
            self.add(_path(*base, "hybrid"), "is required for a HYBRID lesson")
            return None
        if lesson is not None:
            return lesson.hybrid
        result = _validate(Hybrid, block) if block is not None else None
        return result if isinstance(result, Hybrid) else None

    def check_weeks(self, base: Loc, hybrid: Hybrid, term: Term | None) -> None:
        if term is None or not 1 <= term.weeks <= MAX_WEEKS:
            return
        for week in hybrid.individual_weeks:
            if not 1 <= week <= term.weeks:
                self.add(
                    _path(*base, "hybrid", "individual_weeks"),
                    f"week {week} is outside term {term.key} (1..{term.weeks})",
                )

    def check_windows(self, hpath: Loc, hybrid: Hybrid) -> None:
        if not hybrid.availability:
            self.add(_path(*hpath, "availability"), "must list at least one window")
            return
        bad = False
        for i, window in enumerate(hybrid.availability):
            if window.end <= window.start:
                bad = True
                self.add(
                    _path(*hpath, "availability", i, "end"),
                    f"{_hm(window.end)} is not after start {_hm(window.start)}",
                )
        if not bad and all(w.minutes < hybrid.slot_minutes for w in hybrid.availability):
            self.add(
                _path(*hpath, "slot_minutes"),
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
                    _path(*base, "end"),
                    f"{_iso(event.end)} is not after start {_iso(event.start)}",
                )


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


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


# --- entry points ----------------------------------------------------------------------------


def _parse(text_or_path: str | Path) -> tuple[SchoolFile | None, list[str]]:
    text, label = load_school_text(text_or_path)
    parsed = _parse_structure(_load_yaml(text, label), label)
    problems = sorted(parsed.problems + _Checker(parsed).run(), key=_file_order)
    if problems or parsed.school is None:
        return None, problems
    sections = {name: list(parsed.valid[name].values()) for name in SECTIONS}
    return SchoolFile(school=parsed.school, **sections), []


_ORDER_RE = re.compile(r"^([A-Za-z_]+)(?:\[(\d+)\])?")


def _file_order(problem: str) -> tuple[int, int]:
    """Sort key: problems in the order of the file's sections and items (stable within)."""
    match = _ORDER_RE.match(problem)
    if match is None or match.group(1) not in TOP_KEYS:
        return (-1, 0)
    return (TOP_KEYS.index(match.group(1)), int(match.group(2) or 0))


def school_file_problems(text_or_path: str | Path) -> list[str]:
    """Every problem of a school file as ``path: message`` lines; empty when it is valid."""
    try:
        return _parse(text_or_path)[1]
    except SchoolFileError as exc:
        return exc.problems


def parse_school_file(text_or_path: str | Path) -> SchoolFile:
    """Parse and validate a school file (YAML text or a path).

    Raises :class:`SchoolFileError` with every problem found when the file is not valid.
    """
    school_file, problems = _parse(text_or_path)
    if school_file is None:
        raise SchoolFileError(problems or ["school file: not valid"])
    return school_file


def event_instants(event: Event, timezone: str) -> tuple[datetime, datetime]:
    """An event's start and end as aware instants: local times are the school's."""
    tz = ZoneInfo(timezone)
    return event.start.replace(tzinfo=tz), event.end.replace(tzinfo=tz)
