"""A week's free slots on one screen, or a day first when they would not fit (pure).

Telegram refuses an inline keyboard of more than 100 buttons ("reply markup is too long"),
and a long grid of times is hard to read on a phone anyway. A week of up to
``MAX_ON_SCREEN`` free slots is shown whole; a larger one is shown as its days first, each
opening its own slots (a day of more than ``MAX_ON_SCREEN`` slots as parts of it).

A part is named in its button by the start of its first slot (whole minutes since the
epoch, like every slot in callback data), so the button stays meaningful while other
families book: it opens that day's free slots from that time on, a screenful of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from core.i18n import ngettext
from core.schedule import Slot
from handlers.callbacks import from_minute, to_minute
from handlers.formatting import clock, day_date

MAX_ON_SCREEN = 48
MAX_PARTS = 96  # a week of one-minute slots round the clock would have 210 parts


@dataclass(frozen=True, slots=True)
class Part:
    """A day's free slots, or a screenful of them when the day has more."""

    key: int  # the first slot's start, in minutes since the epoch
    day: date  # in the school's timezone
    slots: tuple[Slot, ...]
    whole_day: bool

    def label(self, tz: ZoneInfo) -> str:
        """'Mon 22 Feb · 12 free', or 'Mon 22 Feb 08:00–11:45 · 48' for part of a day."""
        if self.whole_day:
            n = len(self.slots)
            return f"{day_date(self.day)} · " + ngettext("{n} free", "{n} free", n).format(n=n)
        first, last = self.slots[0].start_at, self.slots[-1].start_at
        return f"{day_date(self.day)} {clock(first, tz)}–{clock(last, tz)} · {len(self.slots)}"


def day_first(slots: Sequence[Slot]) -> bool:
    """Whether the week's slots are too many for one screen."""
    return len(slots) > MAX_ON_SCREEN


def by_day(slots: Sequence[Slot], tz: ZoneInfo) -> list[tuple[date, list[Slot]]]:
    """The slots (soonest first), grouped by their day in the school's timezone."""
    return [
        (day, list(grouped))
        for day, grouped in groupby(slots, key=lambda s: s.start_at.astimezone(tz).date())
    ]


def parts(slots: Sequence[Slot], tz: ZoneInfo) -> list[Part]:
    """The week's slots (soonest first) by local day, a long day cut into screenfuls."""
    result = []
    for day, day_slots in by_day(slots, tz):
        chunks = [
            tuple(day_slots[i : i + MAX_ON_SCREEN]) for i in range(0, len(day_slots), MAX_ON_SCREEN)
        ]
        result += [Part(to_minute(c[0].start_at), day, c, len(chunks) == 1) for c in chunks]
    return result[:MAX_PARTS]


def part_from(slots: Sequence[Slot], tz: ZoneInfo, key: int) -> list[Slot]:
    """The free slots a part's button opens: its day's, from its first time on, a screenful."""
    start = from_minute(key)
    day = start.astimezone(tz).date()
    return [s for s in slots if s.start_at >= start and s.start_at.astimezone(tz).date() == day][
        :MAX_ON_SCREEN
    ]


def part_of(slots: Sequence[Slot], tz: ZoneInfo, minute: int) -> int | None:
    """The key of the part that holds, or would hold, the time ``minute`` (a slot just taken,
    say): of that day's parts, the last that starts by then, else the first. None when that
    day has no free slots."""
    moment = from_minute(minute)
    day = moment.astimezone(tz).date()
    same_day = [p for p in parts(slots, tz) if p.day == day]
    if not same_day:
        return None
    started = [p for p in same_day if p.slots[0].start_at <= moment]
    return (started[-1] if started else same_day[0]).key
