"""/remind asks before sending, reports numbers that add up, and never sends twice for a
double press; a closed lesson is refused before anything says "Sending" (issue 11, item 10)."""

from __future__ import annotations

from bot.local_api import BotEvent, LocalBotApi
from core.views import Actor

ADMIN = Actor.admin("test")


def text_of(event: BotEvent) -> str:
    return (event.data.get("message") or {}).get("text") or ""


def REPORT(event: BotEvent) -> bool:  # noqa: N802
    return "Reminders for" in text_of(event)


def QUESTION(event: BotEvent) -> bool:  # noqa: N802
    return "send?" in text_of(event)


def said(api: LocalBotApi, user_id: int) -> list[str]:
    return [m.get("text") or "" for m in api.chat(user_id)]


async def test_remind_asks_first_then_reports_numbers_that_add_up(api, bot_app) -> None:
    admin = api.user(1001)
    question = await admin.send("/remind piano", until=QUESTION)
    assert question is not None
    # Smith (Emma, Liam; Jane linked, John not) and Brown (Mia; Bob linked)
    assert "2 families still to book" in question["text"]
    assert "2 families, 2 parents: send?" in question["text"]
    assert api.chat(1011) == [] and api.chat(1012) == []  # nothing sent before the answer
    report = await admin.press_button("Send", until=REPORT)
    assert (
        "2 messages to 2 families, 0 not reachable (of 2 families still to book)"
        in (report["text"])
    )
    assert "Sending" in admin.last_callback_answer["text"]
    assert api.metrics()["delivered"] == {"1011": 1, "1012": 1, "1001": 2}


async def test_a_double_press_sends_once(api, bot_app) -> None:
    admin = api.user(1001)
    question = await admin.send("/remind piano", until=QUESTION)
    asked = int(question["message_id"])
    send = next(
        b["callback_data"]
        for row in question["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "Send"
    )
    await admin.press(send, message_id=asked, until=REPORT)
    await admin.press(send, message_id=asked)  # the same button again
    assert "already been sent" in admin.last_callback_answer["text"]
    assert api.metrics()["delivered"]["1011"] == 1 and api.metrics()["delivered"]["1012"] == 1
    assert sum("Reminders for" in t for t in said(api, 1001)) == 1


async def test_dont_sends_nothing(api, bot_app) -> None:
    admin = api.user(1001)
    await admin.send("/remind piano", until=QUESTION)
    await admin.press_button("Don't")
    assert "Not sent" in admin.last_callback_answer["text"]
    assert "1011" not in api.metrics()["delivered"]


async def test_a_closed_lesson_is_refused_before_sending(api, bot_app, services, schools) -> None:
    alpha, _ = schools
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    admin = api.user(1001)
    reply = await admin.send("/remind piano", until=lambda e: "closed" in text_of(e))
    assert "closed, so a reminder would not help" in reply["text"]
    assert "/open piano" in reply["text"]
    assert not any("Sending" in t for t in said(api, 1001))
    assert reply.get("reply_markup") is None  # no question to answer


async def test_closed_between_question_and_answer_is_refused(api, bot_app, services, schools):
    alpha, _ = schools
    admin = api.user(1001)
    await admin.send("/remind piano", until=QUESTION)
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, ADMIN)
    reply = await admin.press_button("Send", until=lambda e: "closed" in text_of(e))
    assert "closed, so a reminder would not help" in reply["text"]
    assert "Sending" not in ((admin.last_callback_answer or {}).get("text") or "")
    assert "1011" not in api.metrics()["delivered"]


async def test_a_family_that_blocked_the_bot_counts_as_not_reachable(api, bot_app) -> None:
    api.block(1012)
    admin = api.user(1001)
    await admin.send("/remind piano", until=QUESTION)
    report = await admin.press_button("Send", until=REPORT)
    assert (
        "1 message to 1 family, 1 not reachable (of 2 families still to book)" in (report["text"])
    )
    assert "Blocked the bot: 1" in report["text"]
