"""The admin's term export from /admin: the term's bookings as an xlsx document in the chat.

``ad:xp:<school>:0`` asks which term (or sends at once when the school has one);
``ad:xp:<school>:<term id>`` sends that term's export. The rows are core.exports'.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.exports import ExportKind, to_xlsx
from core.i18n import N_, ngettext
from core.i18n import gettext as _
from handlers.admin import keyboards as kb
from handlers.admin.dashboard import admin_in, admin_step, args_of, home_button, say
from handlers.context import Context, services_of

logger = logging.getLogger(__name__)

NO_TERMS = N_("This school has no terms yet, so there is nothing to export.")


def pick_term(school_id: int, terms: list[tuple[int, str, str]]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(f"📤 {name}", callback_data=kb.ad("xp", school_id, term_id))]
        for term_id, _key, name in terms
    ]
    rows.append([InlineKeyboardButton(_("⬅ All lessons"), callback_data=kb.ad("home", school_id))])
    return InlineKeyboardMarkup(rows)


def caption(term_name: str, rows: int) -> str:
    return ngettext(
        "{term}: {n} booking(s), one row each (times in the school's time).",
        "{term}: {n} booking(s), one row each (times in the school's time).",
        rows,
    ).format(term=term_name, n=rows)


@admin_step
async def export_term(update: Update, context: Context) -> None:
    """ad:xp — pick a term, then the bot sends its bookings as an xlsx file."""
    school_id, term_id = args_of(update)
    identity = await admin_in(update, context, school_id)
    if identity is None:
        return
    exports = services_of(context).exports
    if term_id == 0:
        terms = await exports.terms(school_id)
        if not terms:
            await say(update, context, _(NO_TERMS), home_button(school_id))
            return
        if len(terms) > 1:
            await say(update, context, _("<b>Export which term?</b>"), pick_term(school_id, terms))
            return
        term_id = terms[0][0]
    term_key = await exports.term_key(school_id, term_id)  # another school's term: not found
    export = await exports.term_export(school_id, term_key, ExportKind.BOOKINGS)
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    document = await asyncio.to_thread(to_xlsx, export)  # a big term: seconds of CPU, off the loop
    await context.bot.send_document(
        chat.id,
        document=document,
        filename=export.file_name("xlsx"),
        caption=caption(export.term_name, len(export.rows)),
    )
    logger.info("school %s term %s exported for %s", school_id, term_key, identity.name)
