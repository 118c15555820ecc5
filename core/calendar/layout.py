"""A school week as a picture, the pure layout model (no drawing code).

``layout_week`` turns calendar events into a :class:`WeekLayout` (seven day columns,
an hour range and positioned blocks), so the placement rules (clipping to the week,
splitting at midnight, side-by-side lanes for overlapping events, wall-clock placement
across DST changes) are testable on their own. ``summarize_week`` writes the short
plain-text summary sent along with the picture; :mod:`core.calendar.painter` draws the
layout. Nothing here knows about Telegram.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.calendar.events import CalendarEvent, EventKind
from core.i18n import N_, format_date_year, format_day, ngettext
from core.i18n import gettext as _

__all__ = [
    "KIND_COLOURS",
    "KIND_LABELS",
    "RGB",
    "Block",
    "DayColumn",
    "LegendEntry",
    "WeekLayout",
    "layout_week",
    "summarize_week",
]

RGB = tuple[int, int, int]

MINUTES_PER_DAY = 24 * 60
DEFAULT_FIRST_HOUR = 8
DEFAULT_LAST_HOUR = 21
MIN_BLOCK_MINUTES = 10  # a zero-length or DST-folded event still gets a visible block

KIND_LABELS: dict[EventKind, str] = {
    EventKind.INDIVIDUAL: N_("Individual lesson"),
    EventKind.GROUP: N_("Group class"),
    EventKind.BAND: N_("Band"),
    EventKind.HYBRID_GROUP: N_("Hybrid – group week"),
    EventKind.HYBRID_PLACEHOLDER: N_("Hybrid – individual week (to book)"),
    EventKind.BOOKED_SESSION: N_("Booked individual session"),
    EventKind.MEET_AND_GREET: N_("Meet & greet"),
    EventKind.OTHER_EVENT: N_("Other event"),
}

# Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
# with a neutral grey standing in for its black.
KIND_COLOURS: dict[EventKind, RGB] = {
    EventKind.INDIVIDUAL: (0, 114, 178),  # blue
    EventKind.GROUP: (0, 158, 115),  # bluish green
    EventKind.BAND: (213, 94, 0),  # vermillion
    EventKind.HYBRID_GROUP: (86, 180, 233),  # sky blue
    EventKind.HYBRID_PLACEHOLDER: (240, 228, 66),  # yellow
    EventKind.BOOKED_SESSION: (40, 40, 40),  # black: never confused with the band's vermillion
    EventKind.MEET_AND_GREET: (204, 121, 167),  # reddish purple
    EventKind.OTHER_EVENT: (160, 160, 160),  # grey
}


# --------------------------------------------------------------------------- layout model


@dataclass(frozen=True, slots=True)
class DayColumn:
    """One day column of the week (index 0 = Monday)."""

    index: int
    day: date

    @property
    def header(self) -> str:
        """Short header such as ``"Mon 1 Feb"``."""
        return format_day(self.day)


@dataclass(frozen=True, slots=True)
class Block:
    """One drawn rectangle: an event's part that falls on one day.

    ``top``/``bottom`` are minutes after local midnight by the wall clock (0..1440).
    Overlapping blocks of a day sit side by side: ``lane`` in ``range(lanes)``.
    """

    day_index: int
    top: int
    bottom: int
    lane: int
    lanes: int
    kind: EventKind
    label: str
    colour: RGB
    uid: str
    start_local: datetime  # the whole event's start, in the school's timezone
    continued: bool = False  # True for the part after midnight of an event started earlier


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """A legend line: the colour swatch of a kind and its human label."""

    kind: EventKind
    label: str
    colour: RGB


@dataclass(frozen=True, slots=True)
class WeekLayout:
    """Everything the renderer and the summary need; contains no drawing state."""

    title: str
    subtitle: str  # e.g. "Week of 1 Feb 2027 · Australia/Sydney"
    tz_name: str
    week_start: date
    days: tuple[DayColumn, ...]
    first_hour: int  # top of the grid, local hour
    last_hour: int  # bottom of the grid, local hour (exclusive end, may be 24)
    blocks: tuple[Block, ...]
    legend: tuple[LegendEntry, ...]
    event_counts: dict[EventKind, int]  # drawn (not cancelled) events per kind

    @property
    def is_empty(self) -> bool:
        """True when no event is drawn this week."""
        return not self.blocks


@dataclass(frozen=True, slots=True)
class _Segment:
    """A block before lanes are assigned."""

    day_index: int
    top: int
    bottom: int
    event: CalendarEvent
    start_local: datetime
    continued: bool


def layout_week(
    events: Iterable[CalendarEvent],
    week_start: date,
    tz: ZoneInfo,
    title: str,
    *,
    first_hour: int = DEFAULT_FIRST_HOUR,
    last_hour: int = DEFAULT_LAST_HOUR,
    full_legend: bool = False,
    with_teacher: bool = False,
) -> WeekLayout:
    """Lay out one week (Mon..Sun containing ``week_start``) in the timezone ``tz``.

    Cancelled events, placeholders nobody is left to book and events outside the week are
    dropped, events crossing local
    midnight are split into one block per day, and the hour range
    ``first_hour..last_hour`` grows to cover every block. The legend lists the kinds
    present, in ``EventKind`` order, or every kind when ``full_legend`` is set. A block says
    the event's ``short`` name when it has one (a booked session: the child), with the
    teacher after it when ``with_teacher`` (the school's view).
    """
    monday = week_start - timedelta(days=week_start.weekday())
    days = tuple(DayColumn(i, monday + timedelta(days=i)) for i in range(7))
    bounds = _day_bounds_utc(monday, tz)
    segments: list[_Segment] = []
    counts: Counter[EventKind] = Counter()
    for event in events:
        if event.cancelled or (event.kind is EventKind.HYBRID_PLACEHOLDER and event.to_book == 0):
            continue  # a placeholder with everyone booked is no longer "to book"
        parts = _split_into_days(event, bounds, tz)
        if parts:
            counts[event.kind] += 1
            segments.extend(parts)
    blocks = _assign_lanes(segments, with_teacher)
    lo, hi = _hour_range(blocks, first_hour, last_hour)
    kinds = list(EventKind) if full_legend else [k for k in EventKind if counts[k]]
    return WeekLayout(
        title=title,
        subtitle=_("Week of {date}").format(date=_long_date(monday)) + f" · {tz.key}",
        tz_name=tz.key,
        week_start=monday,
        days=days,
        first_hour=lo,
        last_hour=hi,
        blocks=tuple(blocks),
        legend=tuple(LegendEntry(k, _(KIND_LABELS[k]), KIND_COLOURS[k]) for k in kinds),
        event_counts={k: counts[k] for k in EventKind if counts[k]},
    )


def _long_date(day: date) -> str:
    return format_date_year(day)


def _day_bounds_utc(monday: date, tz: ZoneInfo) -> list[datetime]:
    """UTC instants of the 8 local midnights that bound the week's 7 days.

    Local midnights are computed per day, so a 23- or 25-hour DST day is handled.
    """
    return [
        datetime.combine(monday + timedelta(days=i), time(0), tzinfo=tz).astimezone(UTC)
        for i in range(8)
    ]


def _wall_minutes(instant: datetime, tz: ZoneInfo) -> int:
    local = instant.astimezone(tz)
    return local.hour * 60 + local.minute


def _split_into_days(event: CalendarEvent, bounds: list[datetime], tz: ZoneInfo) -> list[_Segment]:
    """The event's parts per local day of the week, placed by wall-clock time."""
    start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    end = max(end, start)
    if end < bounds[0] or start >= bounds[7]:
        return []
    start_local = start.astimezone(tz)
    parts: list[_Segment] = []
    for day_index in range(7):
        day_start, day_end = bounds[day_index], bounds[day_index + 1]
        if start == end:  # a zero-length event belongs to the day it starts on
            if not day_start <= start < day_end:
                continue
        elif start >= day_end or end <= day_start:
            continue
        clip_start, clip_end = max(start, day_start), min(end, day_end)
        top = 0 if clip_start == day_start else _wall_minutes(clip_start, tz)
        bottom = MINUTES_PER_DAY if clip_end == day_end else _wall_minutes(clip_end, tz)
        if bottom - top < MIN_BLOCK_MINUTES:  # also catches a wall clock folding back
            real = int((clip_end - clip_start).total_seconds() // 60)
            bottom = min(MINUTES_PER_DAY, top + max(real, MIN_BLOCK_MINUTES))
            top = min(top, bottom - MIN_BLOCK_MINUTES)
        parts.append(_Segment(day_index, top, bottom, event, start_local, clip_start > start))
    return parts


def _assign_lanes(segments: Sequence[_Segment], with_teacher: bool = False) -> list[Block]:
    """Put overlapping segments of a day side by side.

    Segments are swept in start order and grouped into clusters of transitively
    overlapping segments; each takes the first free lane, and every block of a
    cluster shares the cluster's lane count so widths line up.
    """
    ordered = sorted(
        segments, key=lambda s: (s.day_index, s.top, -s.bottom, s.event.kind, s.event.uid)
    )
    blocks: list[Block] = []
    cluster: list[tuple[_Segment, int]] = []
    lane_ends: list[int] = []
    cluster_day, cluster_end = -1, -1
    for seg in ordered:
        if seg.day_index != cluster_day or seg.top >= cluster_end:
            blocks.extend(_blocks_of_cluster(cluster, len(lane_ends), with_teacher))
            cluster, lane_ends = [], []
            cluster_day, cluster_end = seg.day_index, seg.bottom
        lane = next((i for i, e in enumerate(lane_ends) if e <= seg.top), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(seg.bottom)
        else:
            lane_ends[lane] = seg.bottom
        cluster.append((seg, lane))
        cluster_end = max(cluster_end, seg.bottom)
    blocks.extend(_blocks_of_cluster(cluster, len(lane_ends), with_teacher))
    return blocks


def _block_name(event: CalendarEvent, with_teacher: bool) -> str:
    """'Mia Brown · Sam Jones' for a booked session in the school's view, else its title."""
    name = event.short or event.title
    if with_teacher and event.short and event.teacher:
        return f"{name} · {event.teacher}"
    return name


def _blocks_of_cluster(
    cluster: list[tuple[_Segment, int]], lanes: int, with_teacher: bool = False
) -> list[Block]:
    return [
        Block(
            day_index=seg.day_index,
            top=seg.top,
            bottom=seg.bottom,
            lane=lane,
            lanes=lanes,
            kind=seg.event.kind,
            label=f"{seg.start_local:%H:%M} {_block_name(seg.event, with_teacher)}",
            colour=KIND_COLOURS[seg.event.kind],
            uid=seg.event.uid,
            start_local=seg.start_local,
            continued=seg.continued,
        )
        for seg, lane in cluster
    ]


def _hour_range(blocks: Sequence[Block], first_hour: int, last_hour: int) -> tuple[int, int]:
    lo, hi = first_hour, last_hour
    for block in blocks:
        lo = min(lo, block.top // 60)
        hi = max(hi, -(-block.bottom // 60))
    return max(0, lo), min(24, max(hi, lo + 1))


# --------------------------------------------------------------------------- summary


def summarize_week(layout: WeekLayout, *, per_day: int = 3, max_chars: int = 1024) -> str:
    """A short plain-text companion to the picture.

    First the week line and the counts per kind, then up to ``per_day`` items for each
    day that has any. The text is cut to ``max_chars`` (Telegram's caption limit).
    """
    lines = [layout.title, layout.subtitle] if layout.title else [layout.subtitle]
    if layout.is_empty:
        lines.append(_("No lessons this week."))
        return _clip("\n".join(lines), max_chars)
    total = sum(layout.event_counts.values())
    counts = ", ".join(f"{_(KIND_LABELS[k])}: {n}" for k, n in layout.event_counts.items())
    entries = ngettext("{n} entry", "{n} entries", total).format(n=total)
    lines.append(f"{entries} — {counts}")
    for day in layout.days:
        starts = [b for b in layout.blocks if b.day_index == day.index and not b.continued]
        if not starts:
            continue
        starts.sort(key=lambda b: (b.top, b.label))
        shown = "; ".join(b.label for b in starts[:per_day])
        hidden = len(starts) - per_day
        more = " " + _("(+{n} more)").format(n=hidden) if hidden > 0 else ""
        lines.append(f"{day.header}: {shown}{more}")
    return _clip("\n".join(lines), max_chars)


def _clip(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    return cut + "…"
