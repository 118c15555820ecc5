"""The admin's view of a week's waitlist: who waits for a slot of a full individual week, in
the order they are offered a freed one, with any offer that is out.

``ad:wl:<school>:<lesson>:<week>`` the list (from the week's bookings, whose screen shows
"⏳ Waitlist (N)" while somebody waits); its Back goes to the week. The data is
core.waitlist's :meth:`~core.waitlist.service.WaitlistService.waiting`, as for the API's
``GET /api/waitlist/...``.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.errors import SlotUnavailable
from core.i18n import gettext as _
from core.waitlist.service import WaitingView
from handlers.admin import command_texts, dashboard_back
from handlers.admin.dashboard import admin_in, admin_step, args_of, say
from handlers.admin.keyboards import ad
from handlers.context import Context, services_of
from handlers.formatting import esc, slot_label


def waitlist_button(
    school_id: int, lesson_id: int, week: int, waiting: int
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        _("⏳ Waitlist ({n})").format(n=waiting),
        callback_data=ad("wl", school_id, lesson_id, week),
    )


def with_waitlist(
    markup: InlineKeyboardMarkup, school_id: int, lesson_id: int, week: int, waiting: int
) -> InlineKeyboardMarkup:
    """The week screen's keyboard with a row for its waitlist above its Back row (none
    while nobody waits)."""
    rows = [list(row) for row in markup.inline_keyboard]
    if not waiting:
        return markup
    at = max(len(rows) - 1, 0)
    rows.insert(at, [waitlist_button(school_id, lesson_id, week, waiting)])
    return InlineKeyboardMarkup(rows)


def waitlist_text(lesson_name: str, week: int, waiting: Sequence[WaitingView], tz: ZoneInfo) -> str:
    """The families waiting, in the order they are offered a freed slot."""
    head = (
        "<b>"
        + _("⏳ Waitlist: {lesson}, week {week}").format(lesson=esc(lesson_name), week=week)
        + "</b>"
    )
    if not waiting:
        return "\n".join([head, "", _("Nobody waits for a slot of this week any more.")])
    lines = [head, ""]
    for place, view in enumerate(waiting, start=1):
        line = _("{place}. {child} ({family}) · waiting since {since}").format(
            place=place,
            child=esc(view.student_name),
            family=esc(view.family_name),
            since=slot_label(view.joined_at, tz),
        )
        if view.offered_until is not None:
            line += " · " + _("offered a slot until {until}").format(
                until=slot_label(view.offered_until, tz)
            )
        lines.append(line)
    lines += [
        "",
        _("A freed slot is offered in this order, one family at a time."),
        _("Times are {zone} time.").format(zone=str(tz).replace("_", " ")),
    ]
    return "\n".join(lines)


def waitlist_keyboard(school_id: int, lesson_id: int, week: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("⬅ Week {week}").format(week=week),
                    callback_data=ad("wk", school_id, lesson_id, week, 0),
                )
            ]
        ]
    )


async def waiting_count(context: Context, school_id: int, lesson_id: int, week: int) -> int:
    return len(await services_of(context).waitlist.waiting(school_id, lesson_id, week))


@admin_step
async def week_waitlist(update: Update, context: Context) -> None:
    """ad:wl — who waits for a slot of that week, in order, with offers out."""
    (school_id, lesson_id, week), back = dashboard_back.split(args_of(update), "wl")
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    services = services_of(context)
    lesson = await services.directory.lesson(school_id, lesson_id)
    if week not in lesson.individual_weeks:
        raise SlotUnavailable(command_texts.bad_week(lesson, str(week)))
    waiting = await services.waitlist.waiting(school_id, lesson_id, week)
    tz = ZoneInfo(identity.school.timezone)
    await say(
        update,
        context,
        waitlist_text(lesson.name, week, waiting, tz),
        dashboard_back.carry(
            waitlist_keyboard(school_id, lesson_id, week), school_id, lesson, back
        ),
    )
