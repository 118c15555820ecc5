"""The value types of a school file: keys, names, times, days, dates, ids and phones.

Each type is an ``Annotated`` pydantic type whose validator says in plain words what is
wrong (a bare 16:30 is ``not a time: write it in quotes``). :class:`FileModel` is the
strict base of every section model (unknown keys are errors, types are not coerced), and
:func:`field_path` writes the ``lessons[0].teacher`` paths every problem message starts
with.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from core.i18n import LANGUAGES, supported
from core.schedule import DAYS, parse_hhmm

__all__ = [
    "HHMM",
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
