"""The Mini App in chat: an inline `web_app` button under /calendar, /admin and /mybookings,
and the chat's menu button (set with the command menus: :mod:`handlers.menus`), offered only
when PUBLIC_URL is https (Telegram opens Mini Apps over https alone); otherwise nothing is
said about it."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
    WebAppInfo,
)

from core.i18n import N_
from core.i18n import gettext as _
from handlers.context import Context, bot_data_of

OPEN_TEXT = {
    "calendar": N_("Tap to see the calendar as a page: filters, and each event's details."),
    "manage": N_("Tap to manage bookings as a page: open or close, remind, who booked which slot."),
    "book": N_("Tap to book, move or cancel as a page."),
}
BUTTON = {
    "calendar": N_("📅 Open the calendar"),
    "manage": N_("🛠 Open the school page"),
    "book": N_("📝 Open the booking page"),
}


def miniapp_url(settings: Any, tab: str = "") -> str | None:
    """The Mini App's https URL (with ``?tab=``), or None when PUBLIC_URL is not https."""
    public = (getattr(settings, "public_url", "") or "").strip().rstrip("/")
    if not public.startswith("https://"):
        return None
    return f"{public}/app/" + (f"?tab={tab}" if tab else "")


async def offer_miniapp(update: Update, context: Context, tab: str) -> None:
    """Under a command's answer: one button that opens the Mini App on ``tab``."""
    url = miniapp_url(bot_data_of(context).settings, tab)
    message = update.effective_message
    if url is None or message is None or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":  # web_app buttons work in private chats only
        return
    button = InlineKeyboardButton(_(BUTTON[tab]), web_app=WebAppInfo(url))
    await message.reply_text(_(OPEN_TEXT[tab]), reply_markup=InlineKeyboardMarkup([[button]]))
