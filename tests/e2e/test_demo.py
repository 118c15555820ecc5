"""`musicbot demo` as a new user meets it, with piped input (issue 11, items 1-3): files the
bot sends are saved and their paths printed, logs go to a file, HTML is rendered as text,
`/as ID` switches the account and `/others` shows what other accounts were sent."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.demo import DEFAULT_SCHOOL, holiday_note
from bot.demo_chat import html_to_terminal, wrap
from tests.support import pg


@pytest.fixture
async def empty_db_url(pg_server: pg.TestServer) -> AsyncIterator[str]:
    name = pg.unique_name("mbdemo")
    url = await pg_server.create_database(name)
    yield url
    await pg_server.drop_database(name)


def test_html_is_rendered_and_lines_wrap_at_words() -> None:
    assert html_to_terminal("<b>Piano</b> &amp; <i>theory</i>", styled=False) == "Piano & theory"
    styled = html_to_terminal("<b>Piano</b>", styled=True)
    assert styled == "\033[1mPiano\033[22m"
    lines = wrap("• " + "word " * 30, 40)
    assert all(len(line) <= 40 for line in lines) and lines[1].startswith("    word")
    assert not any(line.rstrip().endswith("wor") for line in lines)


async def test_the_demo_saves_files_keeps_logs_out_and_switches_users(
    empty_db_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(DATABASE_URL=empty_db_url, DATA_DIR=str(data_dir), LOG_LEVEL="INFO")
    script = "/calendar\n/others\n/as 3001\n/help\n/as x\n/quit\n"
    demo = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", "--user", "1001",
        cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(demo.communicate(script.encode()), timeout=240)
    stdout, stderr = out.decode(), err.decode()
    assert demo.returncode == 0, stderr
    files = sorted((data_dir / "demo-files").iterdir())
    assert [f.suffix for f in files] == [".png"] and files[0].read_bytes()[:4] == b"\x89PNG"
    assert f"[file saved: {files[0]}]" in stdout
    assert (data_dir / "demo.log").is_file()
    for output in (stdout, stderr):
        assert " INFO " not in output and " WARNING " not in output
    assert "<b>" not in stdout and "&amp;" not in stdout
    assert "(you are now Telegram user 3001)" in stdout
    after = stdout.split("you> /help", 1)[1]
    assert "/book" in after and "/admin" not in after.split("you> /as x", 1)[0]  # a parent now
    assert "(usage: /as 3002" in stdout
    assert stdout.rstrip().endswith("Bye.")


def test_the_moved_example_term_says_when_it_runs_over_public_holidays() -> None:
    note = holiday_note(date(2026, 12, 7), 10)
    assert note is not None
    assert "Christmas Day 25 Dec" in note and "New Year's Day 01 Jan" in note
    assert holiday_note(date(2027, 2, 1), 10) is None


def test_the_example_school_has_a_child_in_two_hybrid_lessons() -> None:
    data = yaml.safe_load(DEFAULT_SCHOOL.read_text(encoding="utf-8"))
    hybrid = [lesson for lesson in data["lessons"] if lesson["type"] == "HYBRID"]
    counts = Counter(student for lesson in hybrid for student in lesson["students"])
    assert counts["mia-nguyen"] == 2  # parent 3001's child: the lesson step shows
