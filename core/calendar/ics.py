"""iCalendar (.ics) files for a school's calendar entries.

All times are written in UTC (``DTSTART:20270401T050000Z``), which every calendar app
reads the same way, so no VTIMEZONE is needed; the school's zone is still named in
``X-WR-TIMEZONE`` for apps that display in it. UIDs are stable (``<event uid>@musicbot``)
and ``SEQUENCE`` comes from the event, so re-importing a rescheduled or cancelled
booking updates or removes the same entry instead of adding a duplicate.

Two equivalent outputs:

* :func:`ics_calendar` builds the ``icalendar.Calendar`` object model (handy to inspect
  or merge, and the reference the tests compare against);
* :func:`build_ics` writes the same content straight to bytes. ``icalendar`` does the
  TEXT escaping, while the content lines and RFC 5545 folding are written here: the
  library's own ``to_ical`` needs ~50 ms alone for a 500-event term on a small box,
  and a term file has to be ready in well under that.

A subscribed feed (core/calendar/feeds.py) also passes ``refresh``: the poll interval it
suggests to calendar apps (``REFRESH-INTERVAL`` and Outlook's ``X-PUBLISHED-TTL``).

The words (summaries, descriptions) are in the current language (core.i18n): a booking's
file in the family's, a feed's in its owner's (core/calendar/feeds.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal

from icalendar import Calendar, Event, vDuration, vText

from core.calendar.events import CalendarEvent
from core.i18n import gettext as _

__all__ = [
    "PRODID",
    "UID_DOMAIN",
    "Method",
    "booking_ics",
    "build_ics",
    "event_uid",
    "ics_calendar",
]

PRODID = "-//musicbot//EN"
UID_DOMAIN = "musicbot"
CRLF = "\r\n"
FOLD_OCTETS = 75  # RFC 5545 §3.1: lines SHOULD NOT exceed 75 octets, CRLF excluded

Method = Literal["PUBLISH", "REQUEST", "CANCEL"]


def event_uid(event: CalendarEvent) -> str:
    """The iCalendar UID of an event: stable across reschedules and cancellation."""
    return f"{event.uid}@{UID_DOMAIN}"


def build_ics(
    events: Iterable[CalendarEvent],
    tz_name: str,
    calendar_name: str,
    *,
    method: Method = "PUBLISH",
    now: datetime | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per event (cancelled ones as ``STATUS:CANCELLED``).

    ``now`` sets DTSTAMP (default: the current time), which keeps output reproducible.
    """
    stamp = _stamp(now)
    lines = list(_header_lines(tz_name, calendar_name, method, refresh))
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    lines.append("")
    return CRLF.join(_fold(line) for line in lines).encode("utf-8")


def booking_ics(
    event: CalendarEvent,
    tz_name: str,
    *,
    calendar_name: str | None = None,
    method: Method = "REQUEST",
    now: datetime | None = None,
) -> bytes:
    """A file for one booking; a cancelled booking goes out as ``METHOD:CANCEL``."""
    if event.cancelled and method == "REQUEST":
        method = "CANCEL"
    return build_ics([event], tz_name, calendar_name or event.title, method=method, now=now)


def ics_calendar(
    events: Iterable[CalendarEvent],
    tz_name: str,
    calendar_name: str,
    *,
    method: Method = "PUBLISH",
    now: datetime | None = None,
    refresh: timedelta | None = None,
) -> Calendar:
    """The same calendar as :func:`build_ics`, as an ``icalendar.Calendar`` object."""
    stamp = _stamp(now)
    calendar = Calendar()
    for name, value in _header_props(tz_name, calendar_name, method, refresh):
        # X- properties are untyped to icalendar; the calendar name is TEXT everywhere.
        if isinstance(value, timedelta):
            prop, _, param = name.partition(";VALUE=")
            calendar.add(prop, vDuration(value), parameters={"VALUE": param} if param else {})
        else:
            calendar.add(
                name, vText(value) if name in _TEXT_PROPS and isinstance(value, str) else value
            )
    for event in events:
        vevent = Event()
        for name, value in _event_props(event, stamp):
            vevent.add(name, value)
        calendar.add_component(vevent)
    return calendar


# --------------------------------------------------------------------------- properties
# The property lists are shared by both outputs, so they cannot drift apart.

Prop = tuple[str, str | int | datetime | timedelta]


def _header_props(
    tz_name: str, calendar_name: str, method: Method, refresh: timedelta | None = None
) -> list[Prop]:
    props: list[Prop] = [
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", method),
        ("X-WR-CALNAME", _clean(calendar_name).replace("\n", " ")),
        ("X-WR-TIMEZONE", tz_name),
    ]
    if refresh is not None:
        # RFC 7986 names the parameter; Outlook reads only its own X- property
        props += [("REFRESH-INTERVAL;VALUE=DURATION", refresh), ("X-PUBLISHED-TTL", refresh)]
    return props


def _event_props(event: CalendarEvent, stamp: datetime) -> Iterator[Prop]:
    yield "UID", event_uid(event)
    yield "DTSTAMP", stamp
    yield "DTSTART", _utc(event.start)
    yield "DTEND", _utc(max(event.end, event.start))
    yield "SUMMARY", _clean(event.title)
    yield "SEQUENCE", event.sequence
    # RFC 5545: a session still waiting for the teacher's confirmation is TENTATIVE (the
    # decision raises SEQUENCE, so calendar apps take the change)
    status = "CANCELLED" if event.cancelled else "TENTATIVE" if event.tentative else "CONFIRMED"
    yield "STATUS", status
    yield "TRANSP", "TRANSPARENT" if event.cancelled else "OPAQUE"
    location = ", ".join(part for part in (event.location, event.room) if part)
    if location:
        yield "LOCATION", _clean(location)
    description = "\n".join(
        part
        for part in (
            _("Teacher: {teacher}").format(teacher=event.teacher) if event.teacher else None,
            event.description,
        )
        if part
    )
    if description:
        yield "DESCRIPTION", _clean(description)


@lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    """Newlines as LF, other control characters (invalid in TEXT) dropped; TAB kept."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if " " <= c != "\x7f" or c in "\n\t")


def _stamp(now: datetime | None) -> datetime:
    return _utc(now or datetime.now(UTC)).replace(microsecond=0)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: calendar instants must be aware")
    return instant.astimezone(UTC)


# --------------------------------------------------------------------------- writing

_TEXT_PROPS = frozenset({"SUMMARY", "LOCATION", "DESCRIPTION", "X-WR-CALNAME"})


def _header_lines(
    tz_name: str, calendar_name: str, method: Method, refresh: timedelta | None = None
) -> Iterator[str]:
    yield "BEGIN:VCALENDAR"
    for name, value in _header_props(tz_name, calendar_name, method, refresh):
        yield f"{name}:{_value_text(name, value)}"


def _event_lines(event: CalendarEvent, stamp: datetime) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    for name, value in _event_props(event, stamp):
        yield f"{name}:{_value_text(name, value)}"
    yield "END:VEVENT"


def _value_text(name: str, value: str | int | datetime | timedelta) -> str:
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, timedelta):
        # icalendar 7 leaves vDuration.to_ical unannotated (it returns bytes)
        return str(vDuration(value).to_ical(), "ascii")  # type: ignore[no-untyped-call]
    if isinstance(value, int):
        return str(value)
    return _escape(value) if name in _TEXT_PROPS else value


def _utc_text(instant: datetime) -> str:
    # by hand: strftime is the slowest step of a big file
    i = instant
    return f"{i.year:04d}{i.month:02d}{i.day:02d}T{i.hour:02d}{i.minute:02d}{i.second:02d}Z"


@lru_cache(maxsize=4096)
def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping, done by ``icalendar`` (cached: titles repeat a lot)."""
    return vText(text).to_ical().decode("utf-8")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 sequence or an escape."""
    if len(line) <= FOLD_OCTETS and line.isascii():
        return line
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return line
    chunks: list[bytes] = []
    start, limit = 0, FOLD_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # never cut inside a multi-byte character
            cut -= 1
        if data[cut - 1] == 0x5C and _escape_open(data, start, cut):  # keep "\x" together
            cut -= 1
        chunks.append(data[start:cut])
        start, limit = cut, FOLD_OCTETS - 1  # continuation lines start with a space
    chunks.append(data[start:])
    return "\r\n ".join(chunk.decode("utf-8") for chunk in chunks)


def _escape_open(data: bytes, start: int, cut: int) -> bool:
    """True if the backslash just before ``cut`` starts an escape (odd run of them)."""
    run = 0
    while cut - 1 - run >= start and data[cut - 1 - run] == 0x5C:
        run += 1
    return run % 2 == 1
