"""The value types of a school file: keys, names, times, days, dates, ids and phones.

Each type is an ``Annotated`` pydantic type whose validator says in plain words what is
wrong (a bare 16:30 is ``not a time: write it in quotes``). :class:`FileModel` is the
strict base of every section model (unknown keys are errors, types are not coerced), and
:func:`field_path` writes the ``lessons[0].teacher`` paths every problem message starts
with.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from core.i18n import LANGUAGES, supported
from core.schedule import DAYS, parse_hhmm

__all__ = [
    "HHMM",
    "AgendaTime",
    "LeadTime",
    "QuietHours",
    "Day",
    "EventType",
    "FileModel",
    "Key",
    "LessonTypeName",
    "LocalDate",
    "LocalDateTime",
    "Name",
    "Phone",
    "PositiveInt",
    "TelegramId",
    "TimeZoneName",
    "Weeks",
    "field_path",
    "format_duration",
    "minutes_after_midnight",
]

_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


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


def _language(value: str) -> str:
    language = supported(value)
    if language is None or language != value.strip().lower():
        raise ValueError(f"{value!r} is not a language of the bot (one of {', '.join(LANGUAGES)})")
    return language


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


_DURATION_RE = re.compile(r"^\s*(\d{1,5})\s*([mhd])\s*$")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
MAX_LEAD = timedelta(days=14)


def _lead_time(value: object) -> timedelta:
    """A lead time before a session: ``30m``, ``2h`` or ``1d``; more than 0, at most 14 days."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'{value!r} is not a lead time: write it like "30m", "2h" or "1d"')
    lead = int(match.group(1)) * _UNITS[match.group(2)]
    if lead <= timedelta(0):
        raise ValueError(f"{value!r}: a lead time must be more than 0")
    if lead > MAX_LEAD:
        raise ValueError(f"{value!r}: a lead time is at most 14 days")
    return lead


def format_duration(value: timedelta) -> str:
    """A lead time as the school file writes it: whole days, hours or minutes ("2h")."""
    minutes = int(value.total_seconds()) // 60
    if minutes % 1440 == 0 and minutes > 2880:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _quiet_hours(value: object) -> tuple[time, time]:
    """Quiet hours ``"21:00-08:00"``: local times, the end exclusive, past midnight allowed."""
    if isinstance(value, tuple):
        return value
    if not isinstance(value, str) or value.count("-") != 1:
        raise ValueError(f'{value!r} is not quiet hours: write them like "21:00-08:00"')
    start_text, end_text = value.split("-")
    start, end = parse_hhmm(start_text.strip()), parse_hhmm(end_text.strip())
    if start == end:
        raise ValueError(f"{value!r}: quiet hours must end at another time than they start")
    return start, end


def _serialize_quiet(value: tuple[time, time]) -> str:
    return f"{_serialize_time(value[0])}-{_serialize_time(value[1])}"


def _agenda_time(value: object) -> time | None:
    """The teacher's agenda time ``"18:00"``, or ``off`` (YAML reads a bare off as false)."""
    if value is None or value is False or value == "off":
        return None
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f'{value!r} is not an agenda time: write a time like "18:00", or off')
    return parse_hhmm(value)


def _serialize_agenda(value: time | None) -> str | None:
    return None if value is None else _serialize_time(value)


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
Language = Annotated[str, AfterValidator(_language)]
EventType = Annotated[str, AfterValidator(_event_type)]
Weeks = Annotated[list[int], AfterValidator(_week_list)]
LeadTime = Annotated[
    timedelta, BeforeValidator(_lead_time), PlainSerializer(format_duration, when_used="json")
]
QuietHours = Annotated[
    tuple[time, time],
    BeforeValidator(_quiet_hours),
    PlainSerializer(_serialize_quiet, when_used="json"),
]
AgendaTime = Annotated[
    time | None,
    BeforeValidator(_agenda_time),
    PlainSerializer(_serialize_agenda, when_used="json"),
]
LessonTypeName = Literal["INDIVIDUAL", "GROUP", "BAND", "HYBRID"]


class FileModel(BaseModel):
    """A part of the school file: strict, frozen, and no keys beyond its fields."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def field_path(*parts: str | int) -> str:
    """The path of a value in the file as messages give it: ``lessons[0].hybrid.weeks``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def minutes_after_midnight(at: time) -> int:
    return at.hour * 60 + at.minute
