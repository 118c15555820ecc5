"""An admin's digest message: one lesson as before, several under a title, cut in parts
between lessons under Telegram's 4096 characters (pure: the handlers' texts)."""

from __future__ import annotations

from datetime import date

import pytest

from core.reminders.digest import digest_part
from core.reminders.notices import AdminDigestNotice, BookNow, DigestNotice, Reminder, StillToBook
from core.reminders.rules import DIGEST
from handlers.formatting import MAX_MESSAGE
from handlers.reminder_texts import digest_parts, digest_text, render, split


def lesson(n: int, families: int = 3) -> DigestNotice:
    return DigestNotice(
        f"l{n}",
        f"Lesson {n}",
        4,
        tuple(
            StillToBook(f"Family {f}", (BookNow(f, f"Kid {f}", 4, date(2027, 2, 22)),), f == 0)
            for f in range(families)
        ),
    )


def digest(*lessons: DigestNotice, language: str = "en") -> Reminder:
    keys = tuple(f"ad:{n}:0:1" for n in range(len(lessons)))
    notice = AdminDigestNotice(lessons)
    return Reminder(keys[0], DIGEST, 1, None, 7, notice, language, keys[1:])


def test_one_lesson_reads_as_before_and_several_go_under_a_title() -> None:
    one = digest(lesson(1))
    assert render(one)[0] == digest_text(lesson(1))
    assert split(one) == [one]
    text, buttons = render(digest(lesson(1), lesson(2)))
    assert buttons == []
    lines = text.splitlines()
    assert lines[0] == "<b>Families still to book in 2 lessons</b>"
    assert lines[2] == "<b>Lesson 1: 3 families still to book</b>"
    assert "• Family 0: Kid 0 (week 4) – not reachable in chat" in lines
    assert lines.count("") == 2  # a blank line before each lesson, none inside one
    assert lines[-1] == "/remind l2 reminds them now; /stats l2 shows every week."


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_a_long_digest_is_cut_between_lessons_under_the_limit(language: str) -> None:
    many = digest(*(lesson(n, families=30) for n in range(12)), language=language)
    parts = split(many)
    assert len(parts) > 1
    assert [key for part in parts for key in part.keys] == list(many.keys)
    covered = [
        x for p in parts if isinstance(p.notice, AdminDigestNotice) for x in p.notice.lessons
    ]
    assert covered == list(many.notice.lessons)  # type: ignore[union-attr]
    for part in parts:
        text, _ = render(part)
        assert len(text) <= MAX_MESSAGE
        assert isinstance(part.notice, AdminDigestNotice)
        last = part.notice.lessons[-1].lesson_key
        assert text.splitlines()[-1].startswith(f"/remind {last} ")  # not cut by fit()
    # as few parts as the sizes allow: no two neighbours would have fitted in one
    sizes = [len(p) for p in (render(part)[0] for part in parts)]
    assert all(a + b > MAX_MESSAGE for a, b in zip(sizes, sizes[1:], strict=False))


def test_packing_by_sizes() -> None:
    assert digest_parts([]) == []
    assert digest_parts([100]) == [(0, 1)]
    assert digest_parts([1000, 1000, 1000]) == [(0, 3)]
    assert digest_parts([2100, 2100, 2100]) == [(0, 1), (1, 2), (2, 3)]
    assert digest_parts([5000, 100, 100, 5000]) == [(0, 1), (1, 3), (3, 4)]  # too long: alone
    assert digest_parts([2000, 2000], limit=4040) == [(0, 1), (1, 2)]  # the title counts
    assert digest_parts([2000, 2000], limit=4050) == [(0, 2)]


def test_a_part_takes_its_lessons_keys() -> None:
    many = digest(lesson(0), lesson(1), lesson(2))
    part = digest_part(many, 1, 3)
    assert part.key == "ad:1:0:1" and part.covers == ("ad:2:0:1",)
    assert isinstance(part.notice, AdminDigestNotice)
    assert [x.lesson_key for x in part.notice.lessons] == ["l1", "l2"]
    with pytest.raises(ValueError):
        digest_part(many, 3, 3)


def test_a_notifier_without_a_splitter_sends_each_lesson_alone() -> None:
    from telegram import Bot

    from scheduler.notifier import Notifier

    bare = Notifier(Bot("123456:TEST-TOKEN"))  # no renderer's splitter: never cut short
    parts = bare.split(digest(lesson(0), lesson(1)))
    assert [part.keys for part in parts] == [("ad:0:0:1",), ("ad:1:0:1",)]
    wired = Notifier(Bot("123456:TEST-TOKEN"), split=split)  # as bot.reminders wires it
    [whole] = wired.split(digest(lesson(0), lesson(1)))
    assert whole.keys == ("ad:0:0:1", "ad:1:0:1")
