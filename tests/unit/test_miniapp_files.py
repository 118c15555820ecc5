"""The Mini App's shipped files: the vendored calendar with its licence and version, and its
pre-compressed copy identical to the file it stands for (a stale .gz would be served)."""

from __future__ import annotations

import gzip
import re

from bot.http.miniapp_files import MINIAPP_DIR

VENDOR = MINIAPP_DIR / "vendor" / "fullcalendar"


def test_every_gz_file_is_its_source_compressed() -> None:
    compressed = list(MINIAPP_DIR.rglob("*.gz"))
    assert compressed, "the calendar bundle ships pre-compressed"
    for path in compressed:
        assert gzip.decompress(path.read_bytes()) == path.with_suffix("").read_bytes(), path


def test_the_vendored_calendar_has_its_licence_and_pinned_version() -> None:
    bundle = (VENDOR / "index.global.min.js").read_text(encoding="utf-8")
    version = re.search(r"FullCalendar Standard Bundle v(\S+)", bundle)
    assert version is not None
    assert f"fullcalendar {version.group(1)}" in (VENDOR / "VERSION").read_text(encoding="utf-8")
    assert "MIT License" in (VENDOR / "LICENSE.md").read_text(encoding="utf-8")


def test_the_page_loads_nothing_from_outside() -> None:
    for path in MINIAPP_DIR.rglob("*"):
        if path.suffix in {".html", ".js", ".css"} and "vendor" not in path.parts:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(src|href)=["']https?://""", text), path
            assert "telegram.org" not in text, path
