"""/calendar for everyone: the week as a picture, week by week, and the term as an .ics file.

Parents see their family's lessons and bookings, teachers their own lessons, admins the
whole school or one teacher / location. The filter of a button is rebuilt from the user's
roles: only an admin's teacher/location choice travels in the callback data, re-validated.
Navigation sends the new week as a new photo and removes the old one. /calendar also
offers parents their family's and teachers their own calendar feed (a URL to subscribe to).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from core.admin_view import (
    AdminView,
    day_number,
    from_day_number,
    monday_of,
    term_for_week,
    this_monday,
)
from core.calendar.agenda import render_agenda_png
from core.calendar.feeds import FeedOwner, feed_url
from core.calendar.ics import build_ics
from core.calendar.layout import layout_week, summarize_week
from core.calendar.painter import render_week_png
from core.calendar.service import CalendarFilter
from core.i18n import gettext as _
from core.identities import Identity, Role
from handlers.admin.dashboard import pressed as answer_pressed
from handlers.admin.dashboard import query_of
from handlers.calendar import keyboards as kb
from handlers.calendar import texts
from handlers.calendar.texts import CalendarMode
from handlers.callbacks import fields_pattern
from handlers.context import Context, Who, bot_data_of, services_of, who
from handlers.webapp import offer_miniapp

logger = logging.getLogger(__name__)

ROLE_OF = {
    CalendarMode.ADMIN: Role.ADMIN,
    CalendarMode.TEACHER: Role.TEACHER,
    CalendarMode.PARENT: Role.PARENT,
}
MAX_DAY = 200_000  # days since 1970: year 2517; anything beyond is forged
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"  # the settings' default (no settings in tests)


@dataclass(frozen=True, slots=True)
class CalendarView:
    """Whose calendar, with which (validated) filters."""

    identity: Identity
    mode: CalendarMode
    teacher_id: int = 0
    location_id: int = 0
    teachers: tuple[tuple[int, str], ...] = ()
    locations: tuple[tuple[int, str], ...] = ()

    @property
    def filters(self) -> CalendarFilter:
        if self.mode is CalendarMode.TEACHER:
            return CalendarFilter(teacher_id=self.identity.person_id, staff=True)
        if self.mode is CalendarMode.PARENT:
            return CalendarFilter(family_id=self.identity.family_id)
        return CalendarFilter(
            teacher_id=self.teacher_id or None, location_id=self.location_id or None, staff=True
        )

    @property
    def title(self) -> str:
        return texts.calendar_title(
            self.identity.school.name,
            self.mode,
            self.identity.name,
            dict(self.teachers).get(self.teacher_id),
            dict(self.locations).get(self.location_id),
        )


def views_of(me: Who) -> list[tuple[Identity, CalendarMode]]:
    """Every calendar this account may look at: admin, then teacher, then parent roles."""
    views = [(i, CalendarMode.ADMIN) for i in me.roles(Role.ADMIN)]
    admin_schools = {i.school.id for i, _ in views}
    views += [
        (i, CalendarMode.TEACHER)
        for i in me.roles(Role.TEACHER)
        if i.school.id not in admin_schools
    ]
    views += [(i, CalendarMode.PARENT) for i in me.roles(Role.PARENT) if i.family_id is not None]
    return views


async def _view(
    context: Context,
    identity: Identity,
    mode: CalendarMode,
    teacher_id: int = 0,
    location_id: int = 0,
) -> CalendarView | None:
    """The view, with an admin's filter ids checked against the school's own; None if forged."""
    if mode is not CalendarMode.ADMIN:
        return None if teacher_id or location_id else CalendarView(identity, mode)
    directory = services_of(context).directory
    teachers = tuple(await directory.teachers(identity.school.id))
    locations = tuple(await directory.locations(identity.school.id))
    if teacher_id and teacher_id not in dict(teachers):
        return None
    if location_id and location_id not in dict(locations):
        return None
    return CalendarView(identity, mode, teacher_id, location_id, teachers, locations)


async def send_week(
    update: Update,
    context: Context,
    view: CalendarView,
    monday: date,
    phone: bool = False,
) -> None:
    """The week's picture (``phone``: the narrow list one), its summary as the caption, and
    the buttons."""
    services = services_of(context)
    school = view.identity.school
    tz = ZoneInfo(school.timezone)
    events = await services.calendar.events(
        school.id, monday, monday + timedelta(days=6), view.filters
    )
    layout = layout_week(
        events, monday, tz, view.title, with_teacher=view.mode is CalendarMode.ADMIN
    )
    picture = await asyncio.to_thread(render_agenda_png if phone else render_week_png, layout)
    markup = kb.week_keyboard(
        school.id,
        view.mode,
        day_number(monday),
        day_number(this_monday(services.clock.now(), tz)),
        view.teacher_id,
        view.location_id,
        view.teachers,
        view.locations,
        phone,
    )
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    await context.bot.send_photo(
        chat.id,
        photo=picture,
        caption=summarize_week(layout),
        reply_markup=markup,
        filename=f"week-{monday.isoformat()}.png",
    )
    logger.info("calendar of school %s, week %s sent to %s", school.id, monday, chat.id)


async def calendar_command(update: Update, context: Context) -> None:
    """/calendar — this week as a picture (a choice first for several roles or schools)."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("message is None")
    me = await who(update, context)
    views = views_of(me)
    if not views:
        await message.reply_text(_(texts.NOT_KNOWN))
        return
    now = services_of(context).clock.now()
    if len(views) == 1:
        identity, mode = views[0]
        view = await _view(context, identity, mode)
        if view is None:
            raise RuntimeError("view is None")
        await send_week(update, context, view, this_monday(now, ZoneInfo(identity.school.timezone)))
        await offer_feeds(update, context, views)
        await offer_miniapp(update, context, "calendar")
        return
    mondays = {
        i.school.id: day_number(this_monday(now, ZoneInfo(i.school.timezone))) for i, _ in views
    }
    choices = [(i.school.id, i.school.name, mode) for i, mode in views]
    await message.reply_text(_(texts.PICK_VIEW), reply_markup=kb.view_picker(choices, mondays))
    await offer_feeds(update, context, views)
    await offer_miniapp(update, context, "calendar")


def _feed_owner(identity: Identity, mode: CalendarMode) -> FeedOwner | None:
    """A parent's family feed, a teacher's own; admins have none."""
    if mode is CalendarMode.PARENT and identity.family_id is not None:
        return FeedOwner(identity.school.id, family_id=identity.family_id)
    if mode is CalendarMode.TEACHER:
        return FeedOwner(identity.school.id, teacher_id=identity.person_id)
    return None


async def offer_feeds(
    update: Update,
    context: Context,
    views: list[tuple[Identity, CalendarMode]],
) -> None:
    """The feed URL of each parent and teacher calendar of this account, in one message."""
    settings = bot_data_of(context).settings
    public_url = getattr(settings, "base_url", None) or DEFAULT_PUBLIC_URL
    feeds = services_of(context).feeds
    offers = []
    for identity, mode in views:
        owner = _feed_owner(identity, mode)
        if owner is not None:
            url = feed_url(public_url, await feeds.token(owner))
            offers.append((texts.view_label(identity.school.name, mode), url))
    if not offers:
        return
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    await context.bot.send_message(
        chat.id,
        texts.feed_offer(offers),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def _pressed_view(update: Update, context: Context) -> tuple[CalendarView, date] | None:
    """Answer a calendar button and re-validate it against the user's roles; None after
    refusing."""
    school_id, mode_number, day, teacher_id, location_id = await answer_pressed(update)
    me = await who(update, context)
    view = None
    if mode_number in {m.value for m in CalendarMode} and 0 <= day <= MAX_DAY:
        mode = CalendarMode(mode_number)
        identity = me.role_in(ROLE_OF[mode], school_id)
        if identity is not None and not (
            mode is CalendarMode.PARENT and identity.family_id is None
        ):
            view = await _view(context, identity, mode, teacher_id, location_id)
    if view is None:
        query = update.callback_query
        logger.warning(
            "refused calendar button %r of telegram %s", query and query.data, me.telegram_id
        )
        chat = update.effective_chat
        if chat is None:
            raise RuntimeError("chat is None")
        await context.bot.send_message(chat.id, _(texts.NOT_YOURS))
        return None
    return view, monday_of(from_day_number(day))


async def week_callback(update: Update, context: Context) -> None:
    """cal:w / cal:ph — another week, filter or view: a new picture replaces the old one."""
    pressed = await _pressed_view(update, context)
    if pressed is None:
        return
    query = query_of(update)
    await send_week(update, context, *pressed, phone=str(query.data).startswith("cal:ph:"))
    message = query.message
    if message is not None and getattr(message, "photo", None):
        try:
            await context.bot.delete_message(message.chat.id, message.message_id)
        except TelegramError as exc:  # too old to delete, or already gone: harmless
            logger.info("could not remove the old calendar picture: %s", exc)


async def teacher_pick_callback(update: Update, context: Context) -> None:
    """cal:tp — the picture's buttons become the school's teachers to pick one from."""
    pressed = await _pressed_view(update, context)
    if pressed is None:
        return
    view, monday = pressed
    if view.mode is not CalendarMode.ADMIN:
        return
    markup = kb.teacher_picker(
        view.identity.school.id,
        view.mode,
        day_number(monday),
        view.teacher_id,
        view.location_id,
        view.teachers,
    )
    await query_of(update).edit_message_reply_markup(reply_markup=markup)


async def term_ics_callback(update: Update, context: Context) -> None:
    """cal:ics — the whole term around the shown week as an .ics file, same filters."""
    pressed = await _pressed_view(update, context)
    if pressed is None:
        return
    view, monday = pressed
    services = services_of(context)
    school = view.identity.school
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    term = term_for_week(await AdminView(services.sessions).terms(school.id), monday)
    if term is None:
        await context.bot.send_message(chat.id, _(texts.NO_TERM))
        return
    events = await services.calendar.events(school.id, term.start_date, term.last_day, view.filters)
    data = build_ics(
        events, school.timezone, f"{view.title} · {term.name}", now=services.clock.now()
    )
    await context.bot.send_document(
        chat.id,
        document=data,
        filename=f"{school.key}-{term.key}.ics",
        caption=texts.term_caption(term.name, view.title, len(events)),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """/calendar and its buttons (``cal:w``, ``cal:ph``, ``cal:tp``, ``cal:ics``)."""
    application.add_handler(CommandHandler("calendar", calendar_command))
    week, term = fields_pattern("cal", "w", 5), fields_pattern("cal", "ics", 5)
    pick, phone = fields_pattern("cal", "tp", 5), fields_pattern("cal", "ph", 5)
    application.add_handler(CallbackQueryHandler(teacher_pick_callback, pattern=pick))
    application.add_handler(CallbackQueryHandler(week_callback, pattern=week))
    application.add_handler(CallbackQueryHandler(week_callback, pattern=phone))
    application.add_handler(CallbackQueryHandler(term_ics_callback, pattern=term))
