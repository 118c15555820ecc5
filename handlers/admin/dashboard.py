"""The admin dashboard: a term's lessons (the current term by default, earlier and later ones
a tap away, one teacher's if asked), a lesson's panel, open/close, a week's bookings, a booking.

Also the access check every admin screen goes through: the school id of each button is
re-validated against the user's roles (``Who.role_in``), whatever the button says.
"""

from __future__ import annotations

import functools
import logging
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from core.admin_view import AdminView, current_term, neighbours, page_of
from core.errors import DomainError, SlotUnavailable
from core.i18n import gettext as _
from core.identities import Identity, Role
from core.views import Actor
from handlers.admin import (
    command_texts,
    dashboard_back,
    dashboard_keyboards,
    dashboard_texts,
    texts,
)
from handlers.admin import keyboards as kb
from handlers.callbacks import decode
from handlers.common import clear_flow, reply_fresh_menu
from handlers.context import Context, Handler, Who, services_of, who
from handlers.formatting import esc, fit

logger = logging.getLogger(__name__)

LESSONS_PER_PAGE = 20  # hybrid lessons a page of the dashboard

Callback = Handler


# ------------------------------------------------------------------ shared by admin screens


def args_of(update: Update) -> tuple[int, ...]:
    """The integer fields of the pressed button (the pattern has already fixed their count)."""
    query = update.callback_query
    parsed = decode(query.data if query else None)
    return parsed.args if parsed else ()


def query_of(update: Update) -> CallbackQuery:
    """The pressed button's query (every button's handler has one)."""
    if update.callback_query is None:
        raise RuntimeError("query is None")
    return update.callback_query


async def pressed(update: Update) -> tuple[int, ...]:
    """Answer the pressed button (it stops spinning at once); its integer fields."""
    await query_of(update).answer()
    return args_of(update)


async def say(
    update: Update,
    context: Context,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit the pressed message in place; reply instead for a command or a non-text message."""
    text = fit(text)  # a school's lists are open-ended; Telegram's messages are not
    markup = markup if markup is None or any(markup.inline_keyboard) else None  # none: refused
    query = update.callback_query
    message = query.message if query else None
    if query is not None and getattr(message, "text", None) is not None:
        try:
            await query.edit_message_text(
                text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
            )
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            logger.info("update %s: could not edit, sending instead: %s", update.update_id, exc)
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    await context.bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


def refusal_text(me: Who, school_id: int | None) -> str:
    """Why this account may not change that school: teacher, admin elsewhere, or neither."""
    teaches_here = school_id is not None and me.role_in(Role.TEACHER, school_id) is not None
    if teaches_here or (me.is_teacher and not me.is_admin):
        return _(texts.TEACHER_READ_ONLY)
    if me.is_admin:
        return _(texts.NOT_THIS_SCHOOL)
    return _(texts.NOT_ADMIN)


async def refuse(update: Update, context: Context, me: Who, school_id: int | None) -> None:
    """Say plainly that nothing was changed, then show a fresh menu."""
    query = update.callback_query
    logger.warning(
        "update %s: refused telegram %s %s (%r)",
        update.update_id,
        me.telegram_id,
        f"in school {school_id}" if school_id is not None else "(a command, any school)",
        query.data if query else "command",
    )
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    await context.bot.send_message(chat.id, refusal_text(me, school_id))
    if query is not None:
        await reply_fresh_menu(update, context)


async def admin_in(update: Update, context: Context, school_id: int) -> Identity | None:
    """The user's admin identity in that school, or None after refusing: the tenancy check."""
    me = await who(update, context)
    identity = me.role_in(Role.ADMIN, school_id)
    if identity is None:
        await refuse(update, context, me, school_id)
    return identity


def refused_text(exc: DomainError) -> str:
    """A refusal of the core in the admin's language, and that nothing was changed."""
    return esc(exc.message) + "\n" + _(texts.NOTHING_CHANGED)


def actor_of(identity: Identity) -> Actor:
    return Actor.admin(identity.name)


def home_button(school_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("⬅ All lessons"), callback_data=kb.ad("home", school_id))]]
    )


def admin_step(callback: Callback) -> Callback:
    """Wrap an admin command or button: it answers the button, ends any typed step still
    awaited (so a stray message later can't cancel a booking), and shows a refusal of the
    core (not found, slot taken...) in plain words."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: Context) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer()  # the button stops spinning at once
        await clear_flow(update, context)
        try:
            await callback(update, context)
        except DomainError as exc:
            logger.info("update %s: %s: %s", update.update_id, exc.code, exc)
            args = args_of(update)
            markup = home_button(args[0]) if args else None
            query = update.callback_query
            if markup is not None and query is not None and isinstance(query.data, str):
                markup = await dashboard_back.way_back(context, query.data, markup)
            await say(update, context, refused_text(exc), markup)

    return wrapper


# ------------------------------------------------------------------ screens


async def show_dashboard(
    update: Update,
    context: Context,
    identity: Identity,
    page: int = 0,
    *,
    term_id: int = 0,
    teacher_id: int = 0,
) -> None:
    """One term's hybrid lessons (the current term unless ``term_id`` names another), of one
    teacher when ``teacher_id`` names one, a page of them at a time (a big school has many).
    A term or teacher not of this school (a stale or forged button) is said so, and the
    current term, all teachers, shown instead."""
    services = services_of(context)
    school = identity.school
    view = AdminView(services.sessions)
    terms = await view.terms(school.id)
    today = services.clock.now().astimezone(ZoneInfo(school.timezone)).date()
    note = ""
    term = next((t for t in terms if t.id == term_id), None)
    if term_id and term is None:
        note, teacher_id = dashboard_texts.unknown_term_note(), 0
    term = term or current_term(terms, today)
    teacher_name = await view.teacher_name(school.id, teacher_id) if teacher_id else None
    if teacher_id and teacher_name is None:
        note, teacher_id = dashboard_texts.unknown_teacher_note(), 0
    stats = await services.booking.school_stats(
        school.id, term_id=term.id if term else None, teacher_id=teacher_id or None
    )
    shown, page, pages = page_of(stats, page, LESSONS_PER_PAGE)
    earlier, later = neighbours(terms, term) if term else (None, None)
    text = dashboard_texts.dashboard_text(
        school.name,
        shown,
        page,
        pages,
        term=term,
        today=today,
        teacher_name=teacher_name,
        note=esc(note),
    )
    markup = dashboard_keyboards.dashboard(
        school.id,
        shown,
        page,
        pages,
        term=term,
        earlier=earlier,
        later=later,
        teacher_id=teacher_id,
        teacher_name=teacher_name,
        export=True,
    )
    back = dashboard_back.back_of(page, teacher_id)  # kept by the lesson's screens
    await say(update, context, text, dashboard_back.into_lessons(markup, school.id, back))


async def show_lesson(
    update: Update,
    context: Context,
    school_id: int,
    lesson_id: int,
    note: str = "",
    *,
    back: int = 0,
) -> None:
    """``back``: the way back to the dashboard it was opened from (handlers.admin.dashboard_back)."""
    services = services_of(context)
    lesson = await services.directory.lesson(school_id, lesson_id)
    stats = await services.booking.lesson_stats(school_id, lesson_id)
    text = dashboard_texts.lesson_panel_text(lesson, stats)
    await say(
        update,
        context,
        f"{note}\n\n{text}" if note else text,
        dashboard_back.carry(kb.lesson_panel(school_id, lesson, stats), school_id, lesson, back),
    )


async def show_week(
    update: Update,
    context: Context,
    school_id: int,
    lesson_id: int,
    week: int,
    page: int = 0,
    *,
    back: int = 0,
) -> None:
    services = services_of(context)
    lesson = await services.directory.lesson(school_id, lesson_id)
    if week not in lesson.individual_weeks:
        raise SlotUnavailable(command_texts.bad_week(lesson, str(week)))
    bookings = await services.booking.lesson_bookings(school_id, lesson_id, week=week)
    stats = await services.booking.lesson_stats(school_id, lesson_id)
    of_week = next((w for w in stats.weeks if w.week == week), None)
    missing = of_week.missing if of_week else ()
    past = of_week is not None and of_week.past
    shown, page, pages = page_of(bookings, page)
    from handlers.admin import reach  # reach builds on this module's helpers

    cut_off = await reach.unreachable_families(
        context, school_id, (m.family_id for m in missing if m.unreachable)
    )
    text = texts.week_bookings_text(
        lesson, week, shown, len(bookings), page, pages, missing, past=past
    )
    can_book = bool(missing) and not past  # a week that is over offers no booking
    markup = kb.week_bookings(school_id, lesson_id, week, shown, page, pages, can_book)
    from handlers.admin import waitlist_view  # builds on this module's helpers

    waiting = await waitlist_view.waiting_count(context, school_id, lesson_id, week)
    markup = waitlist_view.with_waitlist(markup, school_id, lesson_id, week, waiting)
    await say(
        update,
        context,
        text + ("\n\n" + reach.unreachable_note(cut_off) if cut_off else ""),
        dashboard_back.carry(
            reach.with_rows(markup, reach.invite_rows(school_id, cut_off), first=True),
            school_id,
            lesson,
            back,
        ),
    )


async def show_booking(
    update: Update,
    context: Context,
    school_id: int,
    booking_id: int,
    note: str = "",
    *,
    back: int = 0,
) -> None:
    """``back``: the way back to the dashboard it was opened from (handlers.admin.dashboard_back)."""
    services = services_of(context)
    booking = await services.booking.get_booking(school_id, booking_id)
    started = booking.start_at <= services.clock.now()
    text = texts.booking_card_text(booking)
    markup = await dashboard_back.carried(
        context, school_id, booking.lesson_id, kb.booking_card(booking, started), back
    )
    await say(update, context, f"{note}\n\n{text}" if note else text, markup)


# ------------------------------------------------------------------ button callbacks


@admin_step
async def home(update: Update, context: Context) -> None:
    """ad:home — the current term's hybrid lessons, open or closed, booked of expected;
    ad:hp — another page of them."""
    school_id, *page = args_of(update)
    identity = await admin_in(update, context, school_id)
    if identity is not None:
        await show_dashboard(update, context, identity, page[0] if page else 0)


@admin_step
async def term_dashboard(update: Update, context: Context) -> None:
    """ad:tm — one term's hybrid lessons, of one teacher (0: all), a page of them."""
    school_id, term_id, teacher_id, page = args_of(update)
    identity = await admin_in(update, context, school_id)
    if identity is not None:
        await show_dashboard(
            update, context, identity, page, term_id=term_id, teacher_id=teacher_id
        )


@admin_step
async def teacher_filter(update: Update, context: Context) -> None:
    """ad:tf — pick the teacher whose lessons of that term the dashboard shows."""
    school_id, term_id = args_of(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    view = AdminView(services_of(context).sessions)
    term = next((t for t in await view.terms(school_id) if t.id == term_id), None)
    if term is None:
        await show_dashboard(update, context, identity, term_id=term_id)  # says it is unknown
        return
    teachers = await view.term_teachers(school_id, term.id)
    await say(
        update,
        context,
        dashboard_texts.pick_teacher_text(term),
        dashboard_keyboards.teacher_picker(school_id, term, teachers),
    )


@admin_step
async def lesson_panel(update: Update, context: Context) -> None:
    """ad:l — one lesson's stats per individual week, with its actions."""
    (school_id, lesson_id), back = dashboard_back.split(args_of(update), "l")
    if await admin_in(update, context, school_id) is not None:
        await show_lesson(update, context, school_id, lesson_id, back=back)


@admin_step
async def toggle(update: Update, context: Context) -> None:
    """ad:tog — open (1) or close (0) a lesson's bookings."""
    (school_id, lesson_id, is_open), back = dashboard_back.split(args_of(update), "tog")
    identity = await admin_in(update, context, school_id)
    if identity is None or is_open not in (0, 1):
        return
    services = services_of(context)
    changed = await services.booking.set_bookings_open(
        school_id, lesson_id, bool(is_open), actor_of(identity)
    )
    lesson = await services.directory.lesson(school_id, lesson_id)
    await show_lesson(
        update,
        context,
        school_id,
        lesson_id,
        texts.toggled_text(lesson.name, bool(is_open), changed),
        back=back,
    )


@admin_step
async def week_bookings(update: Update, context: Context) -> None:
    """ad:wk — a page of an individual week's bookings and who still has to book."""
    (school_id, lesson_id, week, page), back = dashboard_back.split(args_of(update), "wk")
    if await admin_in(update, context, school_id) is not None:
        await show_week(update, context, school_id, lesson_id, week, page, back=back)


@admin_step
async def booking_card(update: Update, context: Context) -> None:
    """ad:b — one booking, with move / cancel or attendance."""
    (school_id, booking_id), back = dashboard_back.pressed(update)
    if await admin_in(update, context, school_id) is not None:
        await show_booking(update, context, school_id, booking_id, back=back)
