"""Logging for a process: one format, the libraries' chatter kept down, and no secret in any line.

:func:`configure_logging` applies ``LOG_LEVEL``; :class:`RedactSecrets`, installed on every
root handler, rewrites each record before it is written, at every level (DEBUG included):

* the secrets it is given (the bot token, the webhook secret, later API keys) and anything
  shaped like a bot token (``123456:AA...``, as in Bot API URLs ``/bot<token>/``) become
  ``[redacted]``;
* invite tokens (``/start <token>``, ``?start=<token>``) become ``[redacted]``;
* message texts are not logged: python-telegram-bot's DEBUG lines with a call's parameters
  or its return value (texts, updates), the update being processed, and a webhook's
  received body keep only their first part (which endpoint or update id, not what was said).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["REDACTED", "RedactSecrets", "configure_logging", "redact"]

REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_QUIET = ("httpx", "httpcore", "pgserver", "apscheduler", "aiohttp.access")
# a bot token: the bot's numeric id, a colon, then the secret part (Telegram's is 35 chars)
_BOT_TOKEN = re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{4,}")
_INVITE = re.compile(r"(/start(?:@\w+)?(?:\s+|%20|\+))[\w-]+|((?:\?|&|\b)start=)[\w-]+")
# python-telegram-bot's and its webhook handler's lines that carry texts and updates
_CONTENT_LINES = {
    "Calling Bot API endpoint `%s` with parameters `%s`": (
        "Calling Bot API endpoint `%s` (parameters not logged)"
    ),
    "Call to Bot API endpoint `%s` finished with return value `%s`": (
        "Call to Bot API endpoint `%s` finished (result not logged)"
    ),
    "Webhook received data: %s": "Webhook received data (not logged)",
    "Processing update %s": "Processing update %s (content not logged)",
}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secrets, bot tokens and invite tokens replaced."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _BOT_TOKEN.sub(REDACTED, text)
    return _INVITE.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """A handler filter: the record's message and traceback, secrets replaced (see module)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        """Also redact these values (blank ones are ignored); a bot token's secret part too."""
        for secret in secrets:
            secret = secret.strip()
            if len(secret) >= 4:
                self.secrets.add(secret)
                if ":" in secret:
                    self.secrets.add(secret.split(":", 1)[1])

    def filter(self, record: logging.LogRecord) -> bool:
        shorter = _CONTENT_LINES.get(record.msg) if isinstance(record.msg, str) else None
        if shorter is not None and isinstance(record.args, tuple):
            kept = record.args[: shorter.count("%s")]
            record.msg = shorter
            record.args = tuple(getattr(arg, "update_id", arg) for arg in kept)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: keep what was given, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message, self.secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> RedactSecrets:
    """Our logs at ``level``; the libraries' chatter at WARNING (httpx logs every request URL,
    and a Bot API URL carries the bot's token, so it never logs below WARNING); every root
    handler redacts ``secrets`` (see the module). Returns the filter, to add secrets later."""
    logging.basicConfig(level=level, format=FORMAT)
    root = logging.getLogger()
    root.setLevel(level)  # also when a handler was already installed
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    if level == "DEBUG":
        logging.getLogger("apscheduler").setLevel(logging.DEBUG)
    redactor = next(
        (f for h in root.handlers for f in h.filters if isinstance(f, RedactSecrets)), None
    )
    if redactor is None:
        redactor = RedactSecrets()
        for handler in root.handlers:
            handler.addFilter(redactor)
    redactor.add(*secrets)
    return redactor
