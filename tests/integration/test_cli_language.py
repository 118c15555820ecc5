"""The command line and the logs stay English (issue 15): a school whose file says
``language: ru``, run from a Russian environment (LANG, LANGUAGE, LC_ALL), gets the same
text and the same ``--format json`` as an English school from a plain one, refusals
included; a reminder sweep to a Russian family sends Russian and logs English."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from telegram import Bot

from bot.local_api import LocalBotApi
from core.booking.rules import notice_refusal
from core.clock import FixedClock
from core.db.models import School, UserLanguage
from core.errors import NoticeTooShort
from core.i18n import use_language
from core.services import Services
from core.views import Actor
from handlers.reminder_texts import render
from scheduler.notifier import Notifier
from scheduler.sweeps import sweep_all
from tests.support.chat import TOKEN
from tests.support.cli import cli_env, run_cli
from tests.support.factories import build_two_schools
from tests.support.reminders import MORNING
from tests.support.school_files import SECOND

CYRILLIC = re.compile("[\u0400-\u04ff]")
PLAIN = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
RUSSIAN = {
    "LANG": "ru_RU.UTF-8",
    "LANGUAGE": "ru:en",
    "LC_ALL": "ru_RU.UTF-8",
    "LC_MESSAGES": "ru_RU.UTF-8",
    "LC_TIME": "ru_RU.UTF-8",
}
SCHOOL = ("--school", "riverside-strings")
LESSON = ("--lesson", "cello-hybrid-thu")

# what an admin reads and what scripts parse: (arguments, expected exit code)
READS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("lessons", *SCHOOL), 0),
    (("lessons", *SCHOOL, "--format", "json"), 0),
    (("families", *SCHOOL), 0),
    (("families", *SCHOOL, "--format", "json"), 0),
    (("slots", *SCHOOL, *LESSON, "--week", "5"), 0),
    (("slots", *SCHOOL, *LESSON, "--week", "5", "--format", "json"), 0),
    (("bookings", *SCHOOL, "--all"), 0),
    (("bookings", *SCHOOL, "--all", "--format", "json"), 0),
    (("stats", *SCHOOL, *LESSON), 0),
    (("stats", *SCHOOL, *LESSON, "--format", "json"), 0),
    (("waitlist", *SCHOOL, "--format", "json"), 0),
    # refusals, with names, weeks, times and days of the week in them
    (("book", *SCHOOL, *LESSON, "--student", "adaeze-okafor", "--week", "5", "--at", "15:30"), 1),
    (("book", *SCHOOL, *LESSON, "--student", "adaeze-okafor", "--week", "5", "--at", "15:07"), 1),
    (("book", *SCHOOL, *LESSON, "--student", "adaeze-okafor", "--week", "3", "--at", "15:30"), 1),
    (
        (
            "book",
            *SCHOOL,
            *LESSON,
            "--student",
            "kai-nguyen",
            "--week",
            "5",
            "--at",
            "15:50",
            "--day",
            "THURSDAY",
        ),
        1,
    ),  # fmt: skip
    (
        (
            "reschedule",
            *SCHOOL,
            "--booking",
            "2",
            "--week",
            "5",
            "--at",
            "16:10",
            "--day",
            "THURSDAY",
        ),
        1,
    ),  # fmt: skip
    (("cancel", *SCHOOL, "--booking", "2"), 1),
    (("bookings", *SCHOOL, "--week", "40"), 2),
)


async def musicbot(db_url: str, cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    inherited = cli_env(db_url).items()
    environ = {k: v for k, v in inherited if not k.startswith(("LANG", "LC_"))} | env
    return await run_cli(environ, cwd, *args)


def school_file(tmp_path: Path, language: str | None) -> Path:
    """The second example school, its Friday window moved to 15:30 (so that 15:30 is a slot
    on two days of a week), in ``language``."""
    text = SECOND.read_text().replace('start: "16:00"', 'start: "15:30"')
    if language:
        text = text.replace(
            "  timezone: Europe/London\n", f"  timezone: Europe/London\n  language: {language}\n"
        )
    path = tmp_path / f"school-{language or 'default'}.yaml"
    path.write_text(text)
    return path


def _without_log_lines(err: str) -> str:
    """stderr without log lines (they carry times): what the command itself said."""
    return "\n".join(
        line for line in err.splitlines() if line.startswith(("error:", "usage:", "musicbot"))
    )


async def _reads(db_url: str, cwd: Path, env: dict[str, str]) -> list[tuple[int, str, str]]:
    said = []
    for args, code in READS:
        got, out, err = await musicbot(db_url, cwd, env, *args)
        assert got == code, (args, out, err)
        assert not CYRILLIC.search(out + err), (args, out, err)
        said.append((got, out, _without_log_lines(err)))
    return said


async def test_a_russian_school_from_a_russian_environment_gets_the_same_english_cli(
    db_url: str, sessions, tmp_path: Path
) -> None:
    code, out, err = await musicbot(
        db_url, tmp_path, PLAIN, "import", str(school_file(tmp_path, None))
    )
    assert code == 0, err
    for student, at in (("kai-nguyen", "15:30"), ("adaeze-okafor", "15:50")):
        args = ("book", *SCHOOL, *LESSON, "--student", student, "--week", "5", "--at", at)
        code, out, err = await musicbot(db_url, tmp_path, PLAIN, *args, "--day", "THURSDAY")
        assert code == 0, err
    code, out, err = await musicbot(db_url, tmp_path, PLAIN, "cancel", *SCHOOL, "--booking", "2")
    assert code == 0, err
    english = await _reads(db_url, tmp_path, PLAIN)

    code, out, err = await musicbot(
        db_url, tmp_path, RUSSIAN, "import", str(school_file(tmp_path, "ru"))
    )
    assert code == 0, err
    assert not CYRILLIC.search(out + err)
    async with sessions() as session:
        language = await session.scalar(
            select(School.language).where(School.key == "riverside-strings")
        )
        session.add(UserLanguage(telegram_id=1101, chosen="ru"))  # the admin chose Russian
        await session.commit()
    assert language == "ru"
    russian = await _reads(db_url, tmp_path, RUSSIAN)
    assert russian == english

    errors = [err for _, _, err in russian[-7:]]
    assert errors[0] == (
        "error: Slots start at 15:30 on several days of week 5 (Thursday, Friday): say which day."
    )
    assert errors[1] == "error: No slot of Cello Ensemble starts at 15:07 in week 5."
    assert errors[2].startswith("error: Week 3 of Cello Ensemble is a group week")
    assert errors[3] == "error: Kai Nguyen already has a booking for Cello Ensemble in week 5."
    assert errors[4] == "error: Booking #2 is cancelled; it can't be moved."
    assert errors[5] == "error: Booking #2 is already cancelled."
    slots = json.loads(russian[5][1])
    assert {s["day"] for s in slots} == {"THURSDAY", "FRIDAY"}
    bookings = json.loads(russian[7][1])
    assert [(b["id"], b["status"]) for b in bookings] == [(1, "CONFIRMED"), (2, "CANCELLED")]

    # a change from the Russian environment (the command line logs warnings only)
    args = ("book", *SCHOOL, *LESSON, "--student", "harry-bennett", "--week", "5", "--at", "16:10")
    code, out, err = await musicbot(db_url, tmp_path, RUSSIAN, *args, "--day", "THURSDAY")
    assert code == 0, err
    assert re.match(r"booked #\d+  Thu 11 Feb 2027 16:10-16:30  week 5  ", out), out
    assert not CYRILLIC.search(out + err)


# ---------------------------------------------------------------- logs


async def test_a_reminder_sweep_to_a_russian_family_logs_in_english(
    api: LocalBotApi, sessions, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    alpha, beta = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    async with sessions() as session:
        await session.execute(update(School).where(School.id == alpha.school).values(language="ru"))
        await session.commit()
    for lesson in (beta.piano, beta.theory):  # alpha's families only
        await services.booking.set_bookings_open(beta.school, lesson, False, Actor.admin("t"))
    bot = Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)

    async def on_blocked(chat_id: int) -> None:
        await services.directory.set_blocked(chat_id, clock.now())

    notifier = Notifier(
        bot, render=render, on_blocked=on_blocked, per_second=1000.0, per_chat_seconds=0.0
    )
    clock.set(MORNING)
    caplog.set_level(logging.INFO)  # the bot's log level (DEBUG adds the HTTP bodies sent)
    async with bot:
        report = await sweep_all(sessions, notifier, clock)
    assert report.sent >= 1
    texts = [m.get("text", "") for m in api.chat(1012)]
    assert any("пожалуйста, запишитесь на индивидуальное занятие" in t for t in texts), texts
    lines = [record.getMessage() for record in caplog.records]
    assert any("sweep" in line and "sent" in line for line in lines), lines
    assert not [line for line in lines if CYRILLIC.search(line)]


def test_a_refusal_is_english_in_a_log_line_and_the_readers_language_on_screen(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.refusal")
    caplog.set_level(logging.INFO)
    with use_language("ru"):
        refusal: NoticeTooShort = notice_refusal(
            datetime(2027, 2, 22, 4, tzinfo=UTC), ZoneInfo("Australia/Sydney")
        )
        shown = refusal.message
        logger.info("refused: %s", refusal)
    assert "пн, 22 февр. 15:00" in shown and "свяжитесь со школой" in shown
    (line,) = [r.getMessage() for r in caplog.records if r.name == "tests.refusal"]
    assert line == (
        "refused: That session (Mon 22 Feb 15:00) is less than 24 hours away, so it can't be "
        "changed in the bot. Please contact the school."
    )
