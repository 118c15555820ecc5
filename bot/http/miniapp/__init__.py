"""The Mini App: static files served at /app/ (index.html, ES modules, vendored FullCalendar),
and the one thing Python needs of it: init data signed as Telegram signs it, in a URL that
opens the page in a plain browser (`musicbot demo`, the browser tests, the benchmark)."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode


def sign_init_data(
    bot_token: str,
    telegram_id: int,
    first_name: str,
    auth_date: int,
    language_code: str | None = None,
) -> str:
    """Init data for ``telegram_id`` (its client in ``language_code``, when given), signed
    with the bot's token as Telegram does: the hash is HMAC-SHA256, under
    HMAC-SHA256("WebAppData", token), of the sorted `key=value` lines."""
    user: dict[str, object] = {"id": telegram_id, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    fields = {
        "auth_date": str(auth_date),
        "query_id": f"local-{telegram_id}",
        "user": json.dumps(user, separators=(",", ":")),
    }
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def app_url(
    base_url: str, init_data: str, query: str = "", theme: dict[str, str] | None = None
) -> str:
    """The Mini App's URL with the init data in the fragment, as Telegram opens it."""
    fragment = f"tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=7.0"
    if theme:
        fragment += "&tgWebAppThemeParams=" + quote(json.dumps(theme), safe="")
    return f"{base_url.rstrip('/')}/app/{'?' + query if query else ''}#{fragment}"
