"""Callback data: compact, stateless strings (at most 64 bytes) that carry what a button needs.

Format: ``<area>:<action>[:<int>...]`` with integer fields only, e.g. ``bk:w:1:12:3:4``.
Every field is re-validated by the handler (the client can forge anything); a string that
does not parse is treated as a stale button.

Areas and actions used across the bot (a contract between handlers and the scheduler):

- ``bk`` booking flow (parents): ``bk:c:<school>`` pick child; ``bk:l:<school>:<student>``
  pick lesson; ``bk:w:<school>:<student>:<lesson>`` pick week;
  ``bk:s:<school>:<student>:<lesson>:<week>`` pick slot ("Book now" in reminders);
  ``bk:k:<school>:<student>:<lesson>:<week>:<minute>`` confirmation card;
  ``bk:y:<school>:<student>:<lesson>:<week>:<minute>`` confirm.
  ``<minute>`` is the slot's start as whole minutes since the Unix epoch (UTC).
- ``my`` the parent's bookings; ``ad`` admin dashboard; ``tc`` teacher; ``cal`` calendar;
  ``apv`` approval of a PENDING booking (handlers.approval);
  ``sc`` choosing a school. Each area documents its actions in its module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_BYTES = 64
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_PATTERN = re.compile(r"^([a-z]{1,4}):([a-z]{1,4})((?::-?\d{1,12}){0,8})$")


@dataclass(frozen=True, slots=True)
class Callback:
    area: str
    action: str
    args: tuple[int, ...]

    def arg(self, index: int) -> int:
        return self.args[index]


def encode(area: str, action: str, *args: int) -> str:
    if any(not INT32_MIN <= int(a) <= INT32_MAX for a in args):
        raise ValueError(f"callback field out of 32-bit range: {args}")
    data = ":".join([area, action, *(str(int(a)) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None for anything malformed (forged or from an old version)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    match = _PATTERN.match(data)
    if match is None:
        return None
    area, action, rest = match.groups()
    args = tuple(int(x) for x in rest.split(":")[1:]) if rest else ()
    if any(not INT32_MIN <= a <= INT32_MAX for a in args):
        return None  # no id (a 32-bit integer in the database) or minute is that large
    return Callback(area, action, args)


def fields_pattern(area: str, action: str, fields: int) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: ``<area>:<action>`` and exactly ``fields`` non-negative
    integers that decode (each within the database's 32-bit range). Anything else falls
    through to the stale-button handler, so a handler may unpack its fields as they are."""
    regex = re.compile(rf"^{re.escape(area)}:{re.escape(action)}(?::\d{{1,12}}){{{fields}}}$")

    def matches(data: object) -> bool:
        return isinstance(data, str) and regex.match(data) is not None and decode(data) is not None

    return matches


def area_pattern(area: str) -> str:
    """An anchored pattern for CallbackQueryHandler matching one area."""
    return rf"^{re.escape(area)}:"


def to_minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


_LAST_MINUTE = (253402300799 - 86400) // 60  # a day before datetime's last moment


def from_minute(minute: int) -> datetime:
    """The moment a ``<minute>`` field names. A forged value beyond what a datetime holds
    comes back as the nearest end of the range: a time with no slot, refused as such."""
    return datetime.fromtimestamp(max(0, min(minute, _LAST_MINUTE)) * 60, tz=UTC)
