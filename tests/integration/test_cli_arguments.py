"""The CLI refuses any argument in one line and never with a traceback (row 15 of issue 10).

Argument parsing is fuzzed with hypothesis (no database needed); then the commands that read
the database run on whatever the parser lets through, against the test PostgreSQL holding
the two schools of tests.support.factories.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import subprocess
import sys
from datetime import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.main import MAX_ID, MAX_INVITE_DAYS, MAX_WEEK, build_parser, main
from core.db.models import BookingStatus
from core.services import Services
from tests.support.factories import SchoolIds, build_two_schools
from tests.support.scenes import book_for

OPTIONS = {
    "invite": ["--school", "--family", "--days", "--format"],
    "slots": ["--school", "--lesson", "--week", "--format"],
    "book": ["--school", "--lesson", "--student", "--week", "--at", "--day", "--format"],
    "reschedule": ["--school", "--booking", "--week", "--at", "--day", "--format"],
    "cancel": ["--school", "--booking", "--reason", "--format"],
    "bookings": ["--school", "--lesson", "--week", "--all", "--format"],
    "stats": ["--school", "--lesson", "--format"],
    "open": ["--school", "--lesson", "--format"],
    "demo": ["--user", "--file"],
    "import": ["--term-starts", "--format"],
}
# what a shell can pass: no NUL, no lone surrogates
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
VALUES = st.one_of(
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "-1", "15", "16", "365", "366", "100000000", "23:59", "24:00", "1e9",
                     "MONDAY", "json", " 4 ", "٤", "²"]),
)  # fmt: skip


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    argv = [command]
    for option in draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=8)):
        argv.append(option)
        if option != "--all" and draw(st.booleans() | st.just(True)):
            argv.append(draw(VALUES))
    if command == "import" and draw(st.booleans()):
        argv.append(draw(TEXT))
    return argv


def parse(argv: list[str]) -> tuple[object, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            return build_parser().parse_args(argv), err.getvalue()
        except SystemExit as refused:
            return refused.code, err.getvalue()


@settings(max_examples=400, deadline=None)
@given(argvs())
def test_no_argument_makes_the_parser_fail_other_than_in_one_line(argv: list[str]) -> None:
    parsed, err = parse(argv)
    if isinstance(parsed, int) or parsed is None:
        assert parsed == 2
        assert err.count("\n") == 1 and err.startswith("error: musicbot"), err
        return
    values = vars(parsed)
    if values.get("days") is not None:
        assert 1 <= values["days"] <= MAX_INVITE_DAYS
    if values.get("week") is not None:
        assert 1 <= values["week"] <= MAX_WEEK
    for key in ("booking", "user"):
        if values.get(key) is not None:
            assert 1 <= values[key] <= MAX_ID


def test_invite_for_a_hundred_million_days_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "invite", "--school", "alpha", "--family", "smith",
         "--days", "100000000"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "DATABASE_URL": ""},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: musicbot invite: argument --days: 100000000 is not between 1 and "
        f"{MAX_INVITE_DAYS} (see musicbot invite --help)"
    ]


@pytest.fixture
async def two_schools(sessions: async_sessionmaker[AsyncSession]) -> tuple[SchoolIds, SchoolIds]:
    return await build_two_schools(sessions)


REQUIRED = {
    "slots": ["--school", "--lesson", "--week"],
    "bookings": ["--school"],
    "stats": ["--school", "--lesson"],
    "open": ["--school", "--lesson"],
    "cancel": ["--school", "--booking"],
    "reschedule": ["--school", "--booking", "--week", "--at"],
    "invite": ["--school", "--family"],
    "book": ["--school", "--lesson", "--student", "--week", "--at"],
}
LIKELY = {
    "--school": st.sampled_from(["alpha", "beta", "ALPHA", "nope"]) | TEXT,
    "--lesson": st.sampled_from(["piano", "theory", "choir"]) | TEXT,
    "--family": st.sampled_from(["smith", "brown"]) | TEXT,
    "--student": st.sampled_from(["emma", "mia", "liam"]) | TEXT,
    "--week": st.integers(1, MAX_WEEK).map(str),
    "--booking": st.integers(1, MAX_ID).map(str),
    "--at": st.sampled_from(["15:00", "16:30", "09:05"]),
}


@st.composite
def db_argvs(draw: st.DrawFn) -> list[str]:
    """Commands with their required options, mostly well formed: they reach the database."""
    command = draw(st.sampled_from(sorted(REQUIRED)))
    argv = [command]
    for option in REQUIRED[command]:
        argv += [option, draw(LIKELY.get(option, TEXT))]
    if command in ("book", "reschedule") and draw(st.booleans()):
        argv += ["--day", draw(st.sampled_from(["MONDAY", "monday", "Funday"]) | TEXT)]
    if command == "cancel" and draw(st.booleans()):
        argv += ["--reason", draw(TEXT)]
    return argv


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(argv=db_argvs())
def test_what_the_parser_lets_through_ends_in_a_reason_not_a_traceback(
    argv: list[str], db_url: str, two_schools: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "musicbot_test_bot")
    parsed, refusal = parse(argv)
    if isinstance(parsed, int) or parsed is None:
        assert refusal.startswith("error:")
        return
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)  # any exception escaping here is the traceback a user would see
    assert isinstance(code, int)
    if code != 0:
        assert err.getvalue().startswith("error:"), err.getvalue()


def _run(argv: list[str]) -> tuple[int | str | None, str]:
    """``main(argv)`` in this process: its exit code (a parser's refusal as SystemExit's) and
    standard error; any other exception escapes, as the traceback a user would see."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code: int | str | None = main(argv)
        except SystemExit as refused:
            code = refused.code
    return code, err.getvalue()


async def test_attendance_of_a_week_out_of_range_and_an_export_to_a_missing_folder_say_why(
    db_url: str, two_schools: object, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    mark = ["attendance", "--school", "alpha", "--lesson", "piano", "--present", "emma"]
    code, err = await asyncio.to_thread(_run, [*mark, "--week", "99999999999999"])
    assert code == 2 and err.splitlines() == [
        "error: musicbot attendance: argument --week: 99999999999999 is not between 1 and "
        f"{MAX_WEEK} (see musicbot attendance --help)"
    ]
    target = f"{tmp_path}/no-such-folder/term.xlsx"
    export = ["export", "--school", "alpha", "--term", "t1", "--format", "xlsx"]
    code, err = await asyncio.to_thread(_run, [*export, "--output", target])
    assert code == 1
    assert err.splitlines() == [f"error: could not write {target}: No such file or directory"]


async def test_cancel_with_a_reason_over_500_characters_is_refused_not_cut(
    db_url: str, two_schools: tuple[SchoolIds, SchoolIds], sessions: Any, clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """As `decline` and the API do: the booking stays as it was, nothing half-written."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    alpha, _beta = two_schools
    services = Services.build(sessions, clock)
    view = await book_for(services, alpha, alpha.emma, time(16))
    cancel = ["cancel", "--school", "alpha", "--booking", str(view.id), "--reason", "x" * 501]
    code, err = await asyncio.to_thread(_run, cancel)
    assert (code, err.splitlines()) == (1, ["error: --reason is at most 500 characters"])
    after = await services.booking.get_booking(alpha.school, view.id)
    assert after.status is BookingStatus.CONFIRMED and after.cancel_reason is None
