"""The week picture drawn with Pillow: a :class:`~core.calendar.layout.WeekLayout` as PNG.

``render_week_png`` paints the layout (days across, hours down, blocks in lanes, a legend)
with the bundled DejaVu Sans font, replacing characters the font lacks. The placement
itself is decided in :mod:`core.calendar.layout`; nothing here knows about Telegram.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.calendar.layout import RGB, Block, LegendEntry, WeekLayout
from core.i18n import gettext as _

__all__ = ["BUNDLED_FONT", "default_font_path", "render_week_png"]

WIDTH, HEIGHT = 1200, 900
MARGIN = 20
GUTTER = 58  # hour labels left of the grid
HEADER_H = 92  # title + subtitle
DAY_HEADER_H = 34
LEGEND_ROW_H = 24
BLOCK_FONT_SIZES = (13, 11)
BACKGROUND: RGB = (255, 255, 255)
GRID_MAJOR: RGB = (214, 218, 224)
GRID_MINOR: RGB = (238, 240, 243)
WEEKEND_SHADE: RGB = (247, 248, 250)
INK: RGB = (33, 37, 41)
MUTED: RGB = (108, 117, 125)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Stand-ins for characters a font may lack (Pillow's built-in font has no dashes).
_FALLBACKS = {"–": "-", "—": "-", "‑": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}


@dataclass(frozen=True, slots=True)
class _Grid:
    left: float
    top: float
    right: float
    bottom: float
    first_minute: int
    px_per_minute: float

    @property
    def col_width(self) -> float:
        return (self.right - self.left) / 7

    def y(self, minute: int) -> float:
        return self.top + (minute - self.first_minute) * self.px_per_minute


# DejaVu Sans (free licence: fonts/DejaVuSans-LICENSE.txt): accents, dashes and most
# scripts, where Pillow's built-in font has ASCII only
BUNDLED_FONT = Path(__file__).parent / "fonts" / "DejaVuSans.ttf"


def default_font_path() -> str | None:
    return str(BUNDLED_FONT) if BUNDLED_FONT.is_file() else None


@lru_cache(maxsize=32)
def _font(size: int, path: str | None = None) -> Font:
    """Pillow's scalable built-in font, or a TrueType/OpenType file when given."""
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size=size)


@lru_cache(maxsize=8)
def _missing_glyph(path: str | None) -> bytes:
    return _glyph_key(_font(20, path), "\U0010fffd")


def _glyph_key(font: Font, char: str) -> bytes:
    mask = font.getmask(char)
    return repr(mask.size).encode() + bytes(mask)


@lru_cache(maxsize=2048)
def _has_glyph(char: str, path: str | None) -> bool:
    if char.isspace() or char.isascii():
        return True
    return _glyph_key(_font(20, path), char) != _missing_glyph(path)


@lru_cache(maxsize=4096)
def _drawable(text: str, path: str | None) -> str:
    """``text`` with characters the font lacks replaced (accents dropped, dashes as "-")."""
    out = []
    for char in text:
        if _has_glyph(char, path):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char)
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        plain = _FALLBACKS.get(char, plain)
        out.append(plain if plain and all(_has_glyph(c, path) for c in plain) else "?")
    return "".join(out)


@lru_cache(maxsize=8192)
def _fit(text: str, max_width: float, size: int, path: str | None, min_chars: int = 1) -> str:
    """``text`` cut with an ellipsis to fit ``max_width`` px; "" if under ``min_chars`` fit."""
    font = _font(size, path)
    if font.getlength(text) <= max_width:
        return text
    ellipsis = "…" if _has_glyph("…", path) else "..."
    lo, hi = 0, len(text) - 1
    while lo < hi:  # the longest prefix whose "prefix…" fits
        mid = (lo + hi + 1) // 2
        if font.getlength(text[:mid].rstrip() + ellipsis) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ellipsis if lo >= min_chars else ""


@lru_cache(maxsize=8192)
def _wrap(
    text: str, max_width: float, size: int, path: str | None, max_lines: int
) -> tuple[str, ...]:
    """Greedy word wrap into at most ``max_lines`` lines, the last one cut with an ellipsis."""
    font = _font(size, path)
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        if len(lines) == max_lines - 1:
            lines.append(_fit(" ".join(words), max_width, size, path, min_chars=2))
            break
        line = words.pop(0)
        while words and font.getlength(f"{line} {words[0]}") <= max_width:
            line = f"{line} {words.pop(0)}"
        lines.append(_fit(line, max_width, size, path, min_chars=2))
    return tuple(line for line in lines if line)


def render_week_png(
    layout: WeekLayout,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    font_path: str | None = None,
) -> bytes:
    """Draw the layout (days across, hours down) and return PNG bytes.

    ``font_path`` picks a TrueType/OpenType font; by default the bundled DejaVu Sans
    (Pillow's built-in font, which covers plain Latin only, if that file is missing).
    Characters the font lacks are simplified or shown "?".
    """
    image = Image.new("RGB", (width, height), BACKGROUND)
    path = font_path or default_font_path()
    _Painter(ImageDraw.Draw(image), layout, width, height, path).paint()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # level 1: ~5x faster, ~20% larger
    return out.getvalue()


class _Painter:
    """Draws one layout on one ``ImageDraw`` (no per-block images)."""

    def __init__(
        self,
        draw: ImageDraw.ImageDraw,
        layout: WeekLayout,
        width: int,
        height: int,
        font_path: str | None,
    ) -> None:
        self.draw = draw
        self.layout = layout
        self.width = width
        self.height = height
        self.path = font_path
        self.legend_rows = self._legend_rows()
        legend_h = 12 + LEGEND_ROW_H * max(1, len(self.legend_rows))
        self.legend_top = height - legend_h
        self.grid = self._make_grid(self.legend_top - 14)

    def font(self, size: int) -> Font:
        return _font(size, self.path)

    def text(self, text: str) -> str:
        return _drawable(text, self.path)

    def paint(self) -> None:
        self._draw_title()
        self._draw_grid()
        if self.layout.is_empty:
            self._draw_empty_note(_("No lessons this week"))
        for block in self.layout.blocks:
            self._draw_block(block)
        self._draw_legend()

    def _make_grid(self, bottom: int) -> _Grid:
        top = HEADER_H + DAY_HEADER_H
        minutes = (self.layout.last_hour - self.layout.first_hour) * 60
        return _Grid(
            left=MARGIN + GUTTER,
            top=top,
            right=self.width - MARGIN,
            bottom=bottom,
            first_minute=self.layout.first_hour * 60,
            px_per_minute=(bottom - top) / minutes,
        )

    def _draw_title(self) -> None:
        layout, max_w = self.layout, self.width - 2 * MARGIN
        title = self.text(layout.title or layout.subtitle)
        self.draw.text(
            (MARGIN, MARGIN - 4), _fit(title, max_w, 30, self.path), font=self.font(30), fill=INK
        )
        if layout.title:
            subtitle = _fit(self.text(layout.subtitle), max_w, 20, self.path)
            self.draw.text((MARGIN, MARGIN + 36), subtitle, font=self.font(20), fill=MUTED)

    def _draw_grid(self) -> None:
        draw, grid, layout = self.draw, self.grid, self.layout
        col = grid.col_width
        for day in layout.days[5:]:  # weekend shading
            x = grid.left + day.index * col
            draw.rectangle((x, grid.top, x + col, grid.bottom), fill=WEEKEND_SHADE)
        hours = layout.last_hour - layout.first_hour
        hour_px = grid.px_per_minute * 60
        label_font = self.font(14 if hour_px >= 18 else 11)
        for i in range(hours + 1):
            y = grid.y((layout.first_hour + i) * 60)
            draw.line((grid.left, y, grid.right, y), fill=GRID_MAJOR, width=1)
            if i < hours and hour_px >= 24:
                half = y + hour_px / 2
                draw.line((grid.left, half, grid.right, half), fill=GRID_MINOR, width=1)
            if hour_px >= 14 or i % 2 == 0:
                hour = f"{(layout.first_hour + i) % 24:02d}:00"
                draw.text((grid.left - 8, y), hour, font=label_font, fill=MUTED, anchor="rm")
        header_font = self.font(17)
        for day in layout.days:
            x = grid.left + day.index * col
            draw.line((x, HEADER_H, x, grid.bottom), fill=GRID_MAJOR, width=1)
            centre = (x + col / 2, HEADER_H + DAY_HEADER_H / 2)
            draw.text(centre, day.header, font=header_font, fill=INK, anchor="mm")
        draw.line((grid.right, HEADER_H, grid.right, grid.bottom), fill=GRID_MAJOR, width=1)

    def _draw_empty_note(self, note: str) -> None:
        grid = self.grid
        centre = ((grid.left + grid.right) / 2, (grid.top + grid.bottom) / 2)
        self.draw.text(centre, note, font=self.font(30), fill=MUTED, anchor="mm")

    def _draw_block(self, block: Block) -> None:
        grid = self.grid
        lane_w = grid.col_width / block.lanes
        x0 = grid.left + block.day_index * grid.col_width + block.lane * lane_w + 1.5
        x1 = x0 + lane_w - 2.5
        y0, y1 = grid.y(block.top) + 1, grid.y(block.bottom) - 1
        if x1 - x0 < 1 or y1 - y0 < 1:
            return
        radius = int(min(5, (x1 - x0) / 2, (y1 - y0) / 2))
        self.draw.rounded_rectangle(
            (x0, y0, x1, y1), radius=radius, fill=block.colour, outline=_darker(block.colour)
        )
        for size in BLOCK_FONT_SIZES:  # smaller type before giving up on a narrow block
            lines = self._block_lines(block, size, x1 - x0 - 6, y1 - y0 - 2)
            if lines:
                font, colour = self.font(size), _text_colour(block.colour)
                for i, line in enumerate(lines):
                    xy = (x0 + 4, y0 + 1 + i * (size + 2))
                    self.draw.text(xy, line, font=font, fill=colour)
                return

    def _block_lines(self, block: Block, size: int, width: float, height: float) -> tuple[str, ...]:
        """The label lines that fit: "time title" on one line, or time then wrapped title.

        The time is never cut; a title is shown only if a few of its letters fit.
        """
        max_lines = int((height + 2) // (size + 2))
        if max_lines < 1 or width < 12:
            return ()
        label = self.text(block.label)
        when, _, what = label.partition(" ")
        if _font(size, self.path).getlength(when) > width:
            return ()
        if max_lines == 1 or not what:
            one = _fit(label, width, size, self.path, min_chars=len(when) + 3)
            return (one or when,)
        return (when, *_wrap(what, width, size, self.path, max_lines - 1))

    def _legend_rows(self) -> list[list[tuple[LegendEntry, float]]]:
        font = self.font(15)
        rows: list[list[tuple[LegendEntry, float]]] = [[]]
        x = float(MARGIN)
        for entry in self.layout.legend:
            item_w = 22 + font.getlength(self.text(entry.label)) + 22
            if rows[-1] and x + item_w > self.width - MARGIN:
                rows.append([])
                x = MARGIN
            rows[-1].append((entry, x))
            x += item_w
        return [row for row in rows if row]

    def _draw_legend(self) -> None:
        font = self.font(15)
        for r, row in enumerate(self.legend_rows):
            y = self.legend_top + 6 + r * LEGEND_ROW_H
            for entry, x in row:
                self.draw.rounded_rectangle(
                    (x, y + 2, x + 16, y + 18),
                    radius=3,
                    fill=entry.colour,
                    outline=_darker(entry.colour),
                )
                label = self.text(entry.label)
                self.draw.text((x + 22, y + 10), label, font=font, fill=INK, anchor="lm")


@lru_cache(maxsize=64)
def _darker(colour: RGB) -> RGB:
    r, g, b = colour
    return (int(r * 0.7), int(g * 0.7), int(b * 0.7))


@lru_cache(maxsize=64)
def _text_colour(colour: RGB) -> RGB:
    """Black or white text, whichever contrasts more with the fill (WCAG luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = colour
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return (17, 17, 17) if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else (255, 255, 255)
