"""/book: child -> lesson -> week -> slot -> confirmation card -> confirm, edited in place.

Every step reads its ids from the button (see parent_keyboards) and checks them against
the parent's own family before showing anything; the booking service checks them again
when it writes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from core.errors import (
    AlreadyBooked,
    BookingsClosed,
    InvalidState,
    NoticeTooShort,
    SlotTaken,
)
from core.family_view import FamilySnapshot, WeekStatus
from core.i18n import gettext as _
from handlers import slot_pages
from handlers.approval.chat import announce_request
from handlers.callbacks import from_minute, to_minute
from handlers.common import change_made
from handlers.context import Context, services_of
from handlers.parent import keyboards, texts
from handlers.parent import waitlist_texts as waitlist_words
from handlers.parent.common import (
    FORGED_ERRORS,
    ParentStep,
    add_buttons,
    family_view,
    fresh_screen,
    parent_for_command,
    parent_step,
    refuse_forged,
    reply,
    send_calendar_file,
    show,
)
from handlers.parent.waitlist import entry_of_week, with_waitlist

logger = logging.getLogger(__name__)

Screen = tuple[str, InlineKeyboardMarkup | None]


# ---------------------------------------------------------------- screens (no Telegram I/O)


async def children_screen(context: Context, school_id: int, parent_id: int) -> Screen:
    family = await family_view(context).family(school_id, parent_id)
    children = [c for c in family.children if c.hybrid_lessons]
    if not children:
        return texts.no_children(family.school_name), None
    if len(children) == 1:
        return await lessons_screen(context, family, children[0].id)
    return texts.choose_child(family.school_name), keyboards.children_keyboard(school_id, children)


async def lessons_screen(context: Context, family: FamilySnapshot, student_id: int) -> Screen:
    child = family.child(student_id)
    several_children = sum(1 for c in family.children if c.hybrid_lessons) > 1
    if not child.hybrid_lessons:
        back = keyboards.lessons_keyboard(family.school_id, child.id, (), several_children)
        return texts.no_lessons(child.name), back
    if len(child.hybrid_lessons) == 1:
        return await weeks_screen(
            context,
            family.school_id,
            family.parent_id,
            child.id,
            child.hybrid_lessons[0].id,
            family=family,
        )
    keyboard = keyboards.lessons_keyboard(
        family.school_id, child.id, child.hybrid_lessons, several_children
    )
    return texts.choose_lesson(child.name), keyboard


async def weeks_screen(
    context: Context,
    school_id: int,
    parent_id: int,
    student_id: int,
    lesson_id: int,
    *,
    family: FamilySnapshot | None = None,
) -> Screen:
    overview = await family_view(context).lesson_weeks(
        school_id, parent_id, student_id, lesson_id, family=family
    )
    family, child = overview.family, overview.child
    if len(child.hybrid_lessons) > 1:
        back: tuple[str, ...] | None = ("l",)
    elif sum(1 for c in family.children if c.hybrid_lessons) > 1:
        back = ("c",)
    else:
        back = None
    keyboard = keyboards.weeks_keyboard(school_id, student_id, lesson_id, overview.weeks, back)
    return texts.weeks_text(child.name, overview.lesson, overview.weeks), keyboard


async def slots_screen(
    context: Context,
    step: ParentStep,
    student_id: int,
    lesson_id: int,
    week: int,
    day: int | None = None,
    *,
    near: int | None = None,
) -> Screen:
    """The free slots of a week; the booking card instead if the week is already booked.

    A week too full for one screen shows its days first; ``day`` (a part's key, see
    handlers.slot_pages) shows one day's slots, and ``near`` (a slot's minute) the day
    that slot is in. A day with none left shows the week."""
    overview = await family_view(context).lesson_weeks(
        step.school_id, step.parent_id, student_id, lesson_id
    )
    entry = next((w for w in overview.weeks if w.week == week), None)
    back = keyboards.refusal_keyboard(step.school_id, student_id, lesson_id)
    if entry is None or entry.status in (WeekStatus.GROUP, WeekStatus.PAST):
        note = _(texts.WEEK_NOTES[texts.NOTE_OF_STATUS.get(entry.status, 2) if entry else 2])
        return texts.refusal(note), back
    if entry.status is WeekStatus.BOOKED and entry.booking is not None:
        return texts.already_booked_other(entry.booking), keyboards.booking_keyboard(entry.booking)
    try:
        slots = await services_of(context).booking.available_slots(
            step.school_id, lesson_id, week, step.actor
        )
    except BookingsClosed as exc:
        return texts.refusal(exc), back
    name, lesson = overview.child.name, overview.lesson
    waiting = await entry_of_week(context, step, student_id, lesson_id, week)

    def waitlisted(screen: Screen, join: bool = True) -> Screen:
        """The week's waitlist: join it (no slot fits), or see the place on it and leave.
        A week shown by days (more free slots than one screen) is not joined, only left:
        its days and each day's times keep the place and the way off the list."""
        text, keyboard = screen
        if waiting is not None:
            text += "\n\n" + waitlist_words.on_list_line(waiting)
        keyboard = keyboard or InlineKeyboardMarkup([])
        if waiting is None and not join:
            return text, keyboard
        ids = (step.school_id, student_id, lesson_id, week)
        return text, with_waitlist(keyboard, *ids, waiting)

    if not slots:
        return waitlisted((texts.no_slots_text(name, lesson, week), back))
    tz = overview.family.tz
    if near is not None:
        day = slot_pages.part_of(slots, tz, near)
    shown = slot_pages.part_from(slots, tz, day) if day is not None else []
    if shown and slot_pages.day_first(slots):
        text = texts.slots_text(name, lesson, week, shown, overview.family.timezone)
        keyboard = keyboards.slots_keyboard(
            step.school_id, student_id, lesson_id, week, shown, tz, day
        )
        return waitlisted((text, keyboard), join=False)
    text = texts.slots_text(name, lesson, week, slots, overview.family.timezone)
    keyboard = keyboards.slots_keyboard(step.school_id, student_id, lesson_id, week, slots, tz)
    return waitlisted((text, keyboard), join=not slot_pages.day_first(slots))


# ---------------------------------------------------------------- commands


async def book_command(update: Update, context: Context) -> None:
    """/book: start the booking flow (asks which school first if there are several)."""
    parent = await parent_for_command(update, context, "b", "booking")
    if parent is None:
        return
    text, keyboard = await children_screen(context, parent.school.id, parent.person_id)
    await reply(update, text, keyboard)


# ---------------------------------------------------------------- buttons


async def pick_child(update: Update, context: Context) -> None:
    """bk:c:<school>, and sc:b:<school> (the school picked for /book) — which child."""
    step = await parent_step(update, context, 0)
    if step is not None:
        await show(update, *await children_screen(context, step.school_id, step.parent_id))


async def pick_lesson(update: Update, context: Context) -> None:
    """bk:l:<school>:<student> — which of the child's hybrid lessons."""

    async def screen(step: ParentStep) -> Screen:
        family = await family_view(context).family(step.school_id, step.parent_id)
        return await lessons_screen(context, family, step.args[0])

    await _screen_step(update, context, 1, screen)


async def pick_week(update: Update, context: Context) -> None:
    """bk:w:<school>:<student>:<lesson> — every week of the term with its marker."""

    async def screen(step: ParentStep) -> Screen:
        student_id, lesson_id = step.args
        return await weeks_screen(context, step.school_id, step.parent_id, student_id, lesson_id)

    await _screen_step(update, context, 2, screen)


async def pick_slot(update: Update, context: Context) -> None:
    """bk:s:<school>:<student>:<lesson>:<week> — the free slots of the week ("Book now")."""
    await _screen_step(update, context, 3, _week_slots(context))


async def pick_day(update: Update, context: Context) -> None:
    """bk:d:<school>:<student>:<lesson>:<week>:<minute> — one day of a week too full for one
    screen."""
    await _screen_step(update, context, 4, _week_slots(context))


def _week_slots(context: Context) -> Callable[[ParentStep], Awaitable[Screen]]:
    """The slots screen of a ``bk:s`` or ``bk:d`` button (the latter names the day)."""

    async def screen(step: ParentStep) -> Screen:
        student_id, lesson_id, week, *day = step.args
        return await slots_screen(
            context, step, student_id, lesson_id, week, day[0] if day else None
        )

    return screen


async def _screen_step(
    update: Update,
    context: Context,
    arity: int,
    screen: Callable[[ParentStep], Awaitable[Screen]],
) -> None:
    """A step of the flow: answer the button, check the parent and the button's ``arity``
    fields, show the screen; ids not of the family are refused in plain words."""
    step = await parent_step(update, context, arity)
    if step is None:
        return
    try:
        shown = await screen(step)
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    await show(update, *shown)


async def confirm_card(update: Update, context: Context) -> None:
    """bk:k:<school>:<student>:<lesson>:<week>:<minute> — check the details before booking."""
    step = await parent_step(update, context, 4)
    if step is None:
        return
    student_id, lesson_id, week, minute = step.args
    try:
        family = await family_view(context).family(step.school_id, step.parent_id)
        child, lesson = family.child(student_id), family.lesson(student_id, lesson_id)
        slots = await services_of(context).booking.available_slots(
            step.school_id, lesson_id, week, step.actor
        )
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    except BookingsClosed as exc:
        await show(update, texts.refusal(exc), _back(step, student_id, lesson_id))
        return
    slot = next((s for s in slots if to_minute(s.start_at) == minute), None)
    if slot is None:
        text, keyboard = await slots_screen(context, step, student_id, lesson_id, week, near=minute)
        await show(update, texts.slot_taken(text, fresh_screen(update)), keyboard)
        return
    text = texts.confirm_card(child.name, lesson, week, slot, family.timezone)
    day = slot_pages.part_of(slots, family.tz, minute) if slot_pages.day_first(slots) else None
    await show(
        update,
        text,
        keyboards.confirm_keyboard(step.school_id, student_id, lesson_id, week, minute, day),
    )


async def confirm_booking(update: Update, context: Context) -> None:
    """bk:y:<school>:<student>:<lesson>:<week>:<minute> — book it; a double tap books once."""
    step = await parent_step(update, context, 4)
    if step is None:
        return
    student_id, lesson_id, week, minute = step.args
    try:
        view = await services_of(context).booking.create_booking(
            step.school_id, step.actor, lesson_id, student_id, week, from_minute(minute)
        )
    except (SlotTaken, AlreadyBooked):
        await _show_after_conflict(update, context, step, student_id, lesson_id, week, minute)
        return
    except NoticeTooShort as exc:
        await show(
            update,
            texts.refusal(exc, step.parent.school.name),
            _back(step, student_id, lesson_id, week),
        )
        return
    except (BookingsClosed, InvalidState) as exc:
        await show(update, texts.refusal(exc), _back(step, student_id, lesson_id))
        return
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    change_made(update, context)
    await show(update, texts.booked(view), keyboards.booking_keyboard(view))
    if update.effective_chat is None:
        raise RuntimeError("update.effective_chat is None")
    await send_calendar_file(context, update.effective_chat.id, view)
    if view.awaiting_confirmation:
        await announce_request(context.bot, services_of(context), view)


async def _show_after_conflict(
    update: Update,
    context: Context,
    step: ParentStep,
    student_id: int,
    lesson_id: int,
    week: int,
    minute: int,
) -> None:
    """Booking refused as taken: a double tap (here it is), another time that week, or gone."""
    try:
        existing = await family_view(context).week_booking(
            step.school_id, step.parent_id, student_id, lesson_id, week
        )
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    if existing is not None:
        same = to_minute(existing.start_at) == minute
        text = texts.already_booked(existing) if same else texts.already_booked_other(existing)
        await show(update, text, keyboards.booking_keyboard(existing))
        return
    text, keyboard = await slots_screen(context, step, student_id, lesson_id, week, near=minute)
    await show(update, texts.slot_taken(text, fresh_screen(update)), keyboard)


def _back(
    step: ParentStep, student_id: int, lesson_id: int, week: int | None = None
) -> InlineKeyboardMarkup:
    return keyboards.refusal_keyboard(step.school_id, student_id, lesson_id, week)


async def week_note(update: Update, context: Context) -> None:
    """bk:n:<school>:<note> — a week that needs no booking explains itself."""
    query = update.callback_query
    if query is None:
        raise RuntimeError("query is None")
    parts = (query.data or "").split(":")
    known = texts.WEEK_NOTES.get(int(parts[-1])) if parts[-1].isdigit() else None
    note = _(known) if known is not None else None
    await query.answer(note or _(texts.STALE))


async def close_flow(update: Update, context: Context) -> None:
    """bk:x:<school> — leave the booking flow."""
    if update.callback_query is None:
        raise RuntimeError("update.callback_query is None")
    await update.callback_query.answer()
    await show(update, _(texts.CLOSED_FLOW))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("book", book_command))
    application.add_handler(CallbackQueryHandler(pick_child, pattern=r"^sc:b:\d+$"))
    add_buttons(
        application,
        "bk",
        (
            ("c", pick_child),
            ("l", pick_lesson),
            ("w", pick_week),
            ("s", pick_slot),
            ("d", pick_day),
            ("k", confirm_card),
            ("y", confirm_booking),
            ("n", week_note),
            ("x", close_flow),
        ),
    )
