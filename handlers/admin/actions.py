"""An admin acting on a family's behalf: book, move, cancel (with a reason), attendance.

The admin Actor records who acted and is not held to the 24-hour rule; the family's
parents are told in chat, with the booking's .ics file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from zoneinfo import ZoneInfo

from telegram import Update

from core.admin_view import page_of
from core.booking.approval import MAX_REASON
from core.errors import DomainError, InvalidState
from core.i18n import format_clock
from core.i18n import gettext as _
from core.identities import Identity
from core.schedule import Slot
from core.views import BookingView, LessonStats, MissingStudent
from handlers import slot_pages
from handlers.admin import dashboard_back, dashboard_texts, texts
from handlers.admin import keyboards as kb
from handlers.admin.dashboard import (
    actor_of,
    admin_in,
    admin_step,
    refused_text,
    say,
    show_booking,
)
from handlers.admin.dashboard_back import carried  # a step's screen, with the way back kept
from handlers.approval.chat import announce_request, withdrawn
from handlers.callbacks import from_minute
from handlers.common import clear_flow, expect_text
from handlers.context import Context, services_of
from handlers.formatting import slot_label
from handlers.notify_parents import booking_file, tell_family

CANCEL_REASON_STEP = "admin_cancel_reason"
STUDENTS_PER_PAGE = 20


# ------------------------------------------------------------------ book for a family


@admin_step
async def new_booking_student(update: Update, context: Context) -> None:
    """ad:nb — book for a family: the students with no booking in that week, a page of them
    at a time (ad:np names the page)."""
    (school_id, lesson_id, week, *page), back = dashboard_back.pressed(update)
    if await admin_in(update, context, school_id) is None:
        return
    services = services_of(context)
    stats = await services.booking.lesson_stats(school_id, lesson_id)
    missing = _to_book(stats, week)
    shown, at, pages = page_of(missing, page[0] if page else 0, STUDENTS_PER_PAGE)
    text = (
        texts.pick_student_text(stats.lesson_name, week, at, pages)
        if missing
        else _(texts.NOBODY_MISSING)
    )
    keyboard = kb.pick_student(school_id, lesson_id, week, shown, at, pages)
    await say(update, context, text, await carried(context, school_id, lesson_id, keyboard, back))


@admin_step
async def new_booking_slot(update: Update, context: Context) -> None:
    """ad:ns — the slots an admin can book for that student (inside 24 hours too); ad:nd —
    one day of them, when the week is too full for one screen."""
    (school_id, lesson_id, week, student_id, *day), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    stats, student, slots = await _still_to_book(
        context, identity, school_id, lesson_id, week, student_id
    )
    tz = ZoneInfo(identity.school.timezone)
    shown, key = _day_of(slots, tz, day)
    by_day = key is None and slot_pages.day_first(slots)
    text = texts.pick_slot_text(stats.lesson_name, week, student.student_name, by_day=by_day)
    keyboard = kb.new_booking_slots(school_id, lesson_id, week, student_id, shown, tz, key)
    keyboard = await carried(context, school_id, lesson_id, keyboard, back)
    await say(update, context, text if slots else _(texts.NO_SLOTS), keyboard)


async def _still_to_book(
    context: Context,
    identity: Identity,
    school_id: int,
    lesson_id: int,
    week: int,
    student_id: int,
) -> tuple[LessonStats, MissingStudent, list[Slot]]:
    """The lesson's stats, the student (still to book that week, else refused) and the
    slots an admin may book for them."""
    services = services_of(context)
    stats = await services.booking.lesson_stats(school_id, lesson_id)
    missing = _to_book(stats, week)
    student = next((m for m in missing if m.student_id == student_id), None)
    if student is None:
        raise InvalidState(
            _("That student has no booking left to make in week {week}.").format(week=week)
        )
    slots = await services.booking.available_slots(
        school_id, lesson_id, week, actor=actor_of(identity)
    )
    return stats, student, slots


def _to_book(stats: LessonStats, week: int) -> tuple[MissingStudent, ...]:
    """The students still to book that week; a week that is over is refused in plain words
    (a stale 'Book for a family' button)."""
    of_week = next((w for w in stats.weeks if w.week == week), None)
    if week not in stats.individual_weeks:  # not "everyone has booked": there is no booking
        weeks = stats.individual_weeks
        raise InvalidState(dashboard_texts.not_individual_week_text(stats.lesson_name, week, weeks))
    if of_week is not None and of_week.past:
        raise InvalidState(dashboard_texts.week_over_text(stats.lesson_name, week))
    return of_week.missing if of_week else ()


def _day_of(slots: list[Slot], tz: ZoneInfo, day: list[int]) -> tuple[list[Slot], int | None]:
    """The slots to show and the day they are of: that day's (when the button named one, the
    week is too full for one screen and the day still has some), else the whole week."""
    if day and slot_pages.day_first(slots) and (shown := slot_pages.part_from(slots, tz, day[0])):
        return shown, day[0]
    return slots, None


@admin_step
async def new_booking_card(update: Update, context: Context) -> None:
    """ad:nk — check the details before booking for the family (the slot re-checked)."""
    (school_id, lesson_id, week, student_id, minute), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    stats, student, slots = await _still_to_book(
        context, identity, school_id, lesson_id, week, student_id
    )
    slot = next((s for s in slots if s.start_at == from_minute(minute)), None)
    if slot is None:
        raise InvalidState(_("That slot is no longer free."))
    tz = ZoneInfo(identity.school.timezone)
    when = f"{slot_label(slot.start_at, tz)}–{format_clock(slot.end_at.astimezone(tz))}"
    keyboard = kb.confirm_new_booking(school_id, lesson_id, week, student_id, minute)
    await say(
        update,
        context,
        texts.confirm_new_booking_text(stats.lesson_name, week, student, when),
        await carried(context, school_id, lesson_id, keyboard, back),
    )


@admin_step
async def new_booking_confirm(update: Update, context: Context) -> None:
    """ad:ny — book the slot on the family's behalf and tell the family."""
    (school_id, lesson_id, week, student_id, minute), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    services = services_of(context)
    booking = await services.booking.create_booking(
        school_id, actor_of(identity), lesson_id, student_id, week, from_minute(minute)
    )
    await announce(
        update,
        context,
        booking,
        lambda: texts.parent_booked_notice(identity.school.name, booking),
        texts.booked_text,
        back,
    )


async def announce(
    update: Update,
    context: Context,
    booking: BookingView,
    notice: Callable[[], str],
    outcome: Callable[[BookingView, int], str],
    back: int = 0,
) -> None:
    """After an admin's change: tell the family (with the booking's .ics), each parent in
    their language (``notice`` builds the text), then show the admin the booking with the
    outcome and whom it reached (``back``: the way back to the dashboard, kept)."""
    services = services_of(context)
    told = await tell_family(
        context.bot,
        services,
        booking.school_id,
        booking.family_id,
        notice,
        lambda: booking_file(booking, services),
    )
    await show_booking(
        update, context, booking.school_id, booking.id, outcome(booking, told), back=back
    )


# ------------------------------------------------------------------ move


@admin_step
async def move_week(update: Update, context: Context) -> None:
    """ad:rw — move a booking: which individual week."""
    (school_id, booking_id), back = dashboard_back.pressed(update)
    if await admin_in(update, context, school_id) is None:
        return
    services = services_of(context)
    booking = await services.booking.get_booking(school_id, booking_id)
    lesson = await services.directory.lesson(school_id, booking.lesson_id)
    await say(
        update,
        context,
        texts.pick_week_text(booking),
        dashboard_back.carry(
            kb.move_weeks(booking, lesson.individual_weeks), school_id, lesson, back
        ),
    )


@admin_step
async def move_slot(update: Update, context: Context) -> None:
    """ad:rs — move a booking: the free slots of that week; ad:rd — one day of them."""
    (school_id, booking_id, week, *day), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    services = services_of(context)
    booking = await services.booking.get_booking(school_id, booking_id)
    slots = await services.booking.available_slots(
        school_id, booking.lesson_id, week, actor=actor_of(identity)
    )
    tz = ZoneInfo(identity.school.timezone)
    shown, key = _day_of(slots, tz, day)
    by_day = key is None and slot_pages.day_first(slots)
    keyboard = kb.move_slots(booking, week, shown, tz, key)
    await say(
        update,
        context,
        texts.pick_slot_text(booking.lesson_name, week, booking.student_name, by_day=by_day)
        if slots
        else _(texts.NO_SLOTS),
        await carried(context, school_id, booking.lesson_id, keyboard, back),
    )


@admin_step
async def move_confirm(update: Update, context: Context) -> None:
    """ad:ry — move the booking in one swap and tell the family, with the updated .ics; a
    PENDING one's deciders see their copies closed and are asked again for the new time."""
    (school_id, booking_id, week, minute), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    services = services_of(context)
    before = await services.booking.get_booking(school_id, booking_id)
    booking = await services.booking.reschedule_booking(
        school_id, actor_of(identity), booking_id, week, from_minute(minute)
    )
    await announce(
        update,
        context,
        booking,
        lambda: texts.parent_moved_notice(identity.school.name, booking, before.start_at),
        texts.moved_text,
        back,
    )
    if booking.awaiting_confirmation:  # still PENDING, at its new time: as a family's move
        await withdrawn(context.bot, services, booking, moved=True)
        await announce_request(context.bot, services, booking)


# ------------------------------------------------------------------ cancel


@admin_step
async def cancel_ask(update: Update, context: Context) -> None:
    """ad:cx — cancel a booking: pick a reason or type one."""
    await _ask_reason(update, context, listed=True)


@admin_step
async def cancel_with_reason(update: Update, context: Context) -> None:
    """ad:cy — cancel with one of the listed reasons."""
    (school_id, booking_id, code), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    reason = texts.CANCEL_REASONS.get(code)
    if reason is None:
        raise InvalidState(_("That reason is not one of the list."))
    await _cancel(update, context, identity, booking_id, reason, back)


@admin_step
async def cancel_type_reason(update: Update, context: Context) -> None:
    """ad:ct — the next message typed is the reason."""
    await _ask_reason(update, context, listed=False)


async def _ask_reason(update: Update, context: Context, *, listed: bool) -> None:
    """The pressed booking's cancellation waits for a typed reason; the listed reasons are
    shown to pick from (``listed``), or the admin is asked to type one."""
    (school_id, booking_id), back = dashboard_back.pressed(update)
    if await admin_in(update, context, school_id) is None:
        return
    booking = await services_of(context).booking.get_booking(school_id, booking_id)
    await expect_text(update, context, CANCEL_REASON_STEP, *_step_args(school_id, booking_id, back))
    if listed:
        text, keyboard = texts.cancel_reason_text(booking), kb.cancel_reasons(school_id, booking_id)
    else:
        text, keyboard = _(texts.TYPE_REASON), kb.back_to_booking(school_id, booking_id)
    keyboard = await carried(context, school_id, booking.lesson_id, keyboard, back)
    await say(update, context, text, keyboard)


def _step_args(school_id: int, booking_id: int, back: int) -> tuple[int, ...]:
    """What the typed reason's step keeps: the booking, and the way back when there is one."""
    return (school_id, booking_id, back) if back else (school_id, booking_id)


async def typed_reason(update: Update, context: Context, step_args: tuple[int, ...]) -> None:
    """The typed cancellation reason: re-check the admin, then cancel."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("message is None")
    school_id, booking_id, *rest = step_args
    back = rest[0] if rest else 0
    reason = (message.text or "").strip()
    if not reason or len(reason) > MAX_REASON:  # kept whole or not at all: typed again
        too_long = _("A reason is at most {n} characters.").format(n=MAX_REASON) if reason else ""
        await message.reply_text(" ".join(filter(None, (too_long, _(texts.EMPTY_REASON)))))
        return
    await clear_flow(update, context)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    try:
        await _cancel(update, context, identity, booking_id, reason, back)
    except DomainError as exc:
        markup = kb.back_to_booking(school_id, booking_id)
        with contextlib.suppress(DomainError):  # the way back kept while the booking is there
            lesson_id = (
                await services_of(context).booking.get_booking(school_id, booking_id)
            ).lesson_id
            markup = await carried(context, school_id, lesson_id, markup, back)
        await say(update, context, refused_text(exc), markup)


async def _cancel(
    update: Update,
    context: Context,
    identity: Identity,
    booking_id: int,
    reason: str,
    back: int = 0,
) -> None:
    services = services_of(context)
    school_id = identity.school.id
    pending = (await services.booking.get_booking(school_id, booking_id)).awaiting_confirmation
    booking = await services.booking.cancel_booking(
        school_id, actor_of(identity), booking_id, reason
    )
    if pending:  # cancelled before a decision: the deciders' copies say so
        await withdrawn(context.bot, services, booking)
    await announce(
        update,
        context,
        booking,
        lambda: texts.parent_cancelled_notice(identity.school.name, booking),
        texts.cancelled_text,
        back,
    )


# ------------------------------------------------------------------ attendance


@admin_step
async def attendance(update: Update, context: Context) -> None:
    """ad:at — after the session: completed (1) or no-show (2)."""
    (school_id, booking_id, code), back = dashboard_back.pressed(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    status = kb.ATTENDANCE.get(code)
    if status is None:
        raise InvalidState(_("Attendance is completed or no-show."))
    booking = await services_of(context).attendance.mark(
        school_id, actor_of(identity), booking_id, status
    )
    await show_booking(
        update, context, school_id, booking.id, texts.attendance_text(booking), back=back
    )
