"""/agenda on|off: a teacher's own choice of the evening agenda (core.reminders.agenda).

The school decides whether and when agendas go out (``reminders.teacher_agenda`` in the
school file); a teacher can stop them for themselves, in every school they teach in, and
start them again. The choice is kept in the database (``teachers.agenda_off``).
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler

from core.i18n import gettext as _
from core.identities import Role
from core.reminders.agenda import AgendaPreferences
from handlers.context import Context, services_of, who
from handlers.formatting import esc


def agenda_answer(word: str | None, was_on: bool, school_time: str | None) -> str:
    """What the bot says to /agenda [on|off] (pure)."""
    if word == "off":
        return _("Done: no more evening agenda. /agenda on starts it again.")
    if word == "on":
        if school_time is None:
            return _(
                "Done: you will get the agenda when your school turns it on "
                "(it sends none at the moment)."
            )
        return _("Done: your agenda of the next day comes each evening at {time}.").format(
            time=school_time
        )
    state = _("on") if was_on else _("off")
    return _("Your evening agenda is {state}. /agenda off stops it, /agenda on starts it.").format(
        state=state
    )


async def agenda_command(update: Update, context: Context) -> None:
    """Turn the teacher's evening agenda off or on, or say whether it is on."""
    message = update.effective_message
    if message is None:
        return
    me = await who(update, context)
    teaching = me.roles(Role.TEACHER)
    if not teaching:
        await message.reply_text(_("Only teachers get an evening agenda."))
        return
    args = [a.lower() for a in (context.args or [])]
    word = args[0] if args else None
    if word not in (None, "on", "off") or len(args) > 1:
        await message.reply_text(_("Write /agenda off or /agenda on."))
        return
    services = services_of(context)
    preferences = AgendaPreferences(services.sessions)
    if word is not None:
        await preferences.set_agenda(me.telegram_id, word == "on")
    state = await preferences.agenda_on(me.telegram_id)
    times = await preferences.agenda_times([i.school.id for i in teaching])
    school_time = next((t for t in times.values() if t is not None), None)
    text = agenda_answer(word, any(state.values()), school_time)
    await message.reply_text(esc(text), parse_mode=ParseMode.HTML)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("agenda", agenda_command))


__all__ = ["agenda_answer", "agenda_command", "register"]
