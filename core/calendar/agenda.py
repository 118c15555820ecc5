"""The week for a phone: a narrow picture listing each day's entries in large type.

``render_agenda_png`` draws the same :class:`~core.calendar.layout.WeekLayout` as the week
grid, but as one column: a heading per day that has entries, then a row per entry (a colour
bar of its kind, "16:00–17:00", the wrapped name). It is read on a phone without zooming;
nothing here knows about Telegram.
"""

from __future__ import annotations

import io
from datetime import date

from babel.dates import format_date
from PIL import Image, ImageDraw

from core.calendar.layout import Block, WeekLayout
from core.calendar.painter import BACKGROUND, INK, MUTED, _drawable, _font, _wrap, default_font_path
from core.i18n import LANGUAGES, current_language
from core.i18n import gettext as _

__all__ = ["AGENDA_WIDTH", "agenda_rows", "day_heading", "render_agenda_png"]

AGENDA_WIDTH = 720
MARGIN = 28
TITLE_SIZE, DAY_SIZE, TEXT_SIZE = 34, 30, 28
LINE_GAP = 8
BAR_W = 14
TIME_W = 190  # "16:00–17:00" at TEXT_SIZE
MAX_NAME_LINES = 3


# a day's heading: 'Monday 1 February' / 'понедельник, 1 февраля' / 'Montag, 1. Februar'
_HEADING = {"en": "EEEE d MMMM", "ru": "EEEE, d MMMM", "de": "EEEE, d. MMMM"}


def day_heading(day: date) -> str:
    """The day's heading in the current language (Babel's names of days and months)."""
    language = current_language()
    language = language if language in LANGUAGES and language in _HEADING else "en"
    return format_date(day, _HEADING[language], locale=language)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def agenda_rows(layout: WeekLayout) -> list[tuple[str, list[tuple[str, str, Block]]]]:
    """Per day with entries: its header and (time span, name, block) in start order."""
    days = []
    for day in layout.days:
        blocks = sorted(
            (b for b in layout.blocks if b.day_index == day.index), key=lambda b: (b.top, b.label)
        )
        if blocks:
            rows = [
                (f"{_hhmm(b.top)}–{_hhmm(b.bottom)}", b.label.partition(" ")[2] or b.label, b)
                for b in blocks
            ]
            days.append((day_heading(day.day), rows))
    return days


def render_agenda_png(layout: WeekLayout, *, font_path: str | None = None) -> bytes:
    """The week as a phone-sized list picture (PNG bytes); its height follows the content."""
    path = font_path or default_font_path()
    days = agenda_rows(layout)
    name_w = AGENDA_WIDTH - 2 * MARGIN - BAR_W - 12 - TIME_W
    step = TEXT_SIZE + LINE_GAP

    def text(value: str) -> str:
        return _drawable(value, path)

    wrapped = [
        [
            (span, _wrap(text(name), name_w, TEXT_SIZE, path, MAX_NAME_LINES), b)
            for span, name, b in rows
        ]
        for _, rows in days
    ]
    height = MARGIN + TITLE_SIZE + 12 + 26 + 24
    for rows in wrapped:
        height += DAY_SIZE + 22 + sum(max(1, len(lines)) * step + 10 for _, lines, _ in rows)
    height = max(height + MARGIN, 360)
    image = Image.new("RGB", (AGENDA_WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    y = float(MARGIN)
    title = _wrap(
        text(layout.title or layout.subtitle), AGENDA_WIDTH - 2 * MARGIN, TITLE_SIZE, path, 1
    )
    draw.text((MARGIN, y), title[0] if title else "", font=_font(TITLE_SIZE, path), fill=INK)
    y += TITLE_SIZE + 12
    if layout.title:
        draw.text((MARGIN, y), text(layout.subtitle), font=_font(22, path), fill=MUTED)
    y += 26 + 24
    if not days:
        draw.text((MARGIN, y), _("No lessons this week"), font=_font(DAY_SIZE, path), fill=MUTED)
    for (header, _entries), rows in zip(days, wrapped, strict=True):
        draw.text((MARGIN, y), text(header), font=_font(DAY_SIZE, path), fill=INK)
        y += DAY_SIZE + 14
        draw.line((MARGIN, y - 6, AGENDA_WIDTH - MARGIN, y - 6), fill=MUTED, width=1)
        for span, lines, block in rows:
            row_h = max(1, len(lines)) * step
            draw.rectangle((MARGIN, y + 2, MARGIN + BAR_W, y + row_h - 4), fill=block.colour)
            x = MARGIN + BAR_W + 12
            draw.text((x, y), span, font=_font(TEXT_SIZE, path), fill=INK)
            for i, line in enumerate(lines):
                draw.text((x + TIME_W, y + i * step), line, font=_font(TEXT_SIZE, path), fill=INK)
            y += row_h + 10
        y += 8
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
