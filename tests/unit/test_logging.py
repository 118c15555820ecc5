"""Logging: no secret and no message text reaches a log line, at any level."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, RedactSecrets, configure_logging, redact

NAMES = ("", "httpx", "httpcore", "pgserver", "apscheduler", "aiohttp.access")


@pytest.fixture(autouse=True)
def restore_levels():  # type: ignore[no-untyped-def]
    """configure_logging changes process-wide loggers: put them back for the other tests."""
    saved = {name: logging.getLogger(name).level for name in NAMES}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
    for handler in logging.getLogger().handlers:
        for found in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(found)


def test_http_request_lines_with_the_token_are_never_logged_even_in_debug() -> None:
    configure_logging("DEBUG")
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("handlers").isEnabledFor(logging.DEBUG)


def test_library_chatter_is_quiet_at_info() -> None:
    configure_logging("INFO")
    assert not logging.getLogger("apscheduler").isEnabledFor(logging.INFO)
    assert not logging.getLogger("pgserver").isEnabledFor(logging.INFO)
    assert logging.getLogger("scheduler").isEnabledFor(logging.INFO)


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("telegram.Bot", logging.DEBUG, __file__, 1, msg, args, None)


def shown(redactor: RedactSecrets, entry: logging.LogRecord) -> str:
    assert redactor.filter(entry)
    return logging.Formatter("%(message)s").format(entry)


def test_tokens_secrets_and_invites_are_redacted_wherever_they_stand() -> None:
    redactor = RedactSecrets(["987654321:AAF-secret_part_XYZ", "webhook-secret-0123456789"])
    line = shown(
        redactor,
        record(
            "POST http://127.0.0.1/bot%s/sendMessage %s; %s; t.me/b?start=%s; /start %s",
            "987654321:AAF-secret_part_XYZ",
            "webhook-secret-0123456789",
            "AAF-secret_part_XYZ",
            "inviteTokenAbc-123",
            "otherInvite_456",
        ),
    )
    for secret in ("AAF-secret_part_XYZ", "webhook-secret", "inviteTokenAbc", "otherInvite"):
        assert secret not in line
    assert line.count(REDACTED) == 5
    assert redact("a lesson at 15:00 on 22.02") == "a lesson at 15:00 on 22.02"


def test_a_traceback_is_redacted_too() -> None:
    redactor = RedactSecrets(["555555:SECRETSECRET"])
    try:
        raise RuntimeError("url http://127.0.0.1/bot555555:SECRETSECRET/getMe failed")
    except RuntimeError:
        import sys

        entry = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = logging.Formatter("%(message)s").format(entry) if redactor.filter(entry) else ""
    assert "SECRETSECRET" not in text and "RuntimeError" in text


def test_the_bots_call_parameters_and_results_are_not_logged() -> None:
    redactor = RedactSecrets()
    calling = shown(
        redactor,
        record(
            "Calling Bot API endpoint `%s` with parameters `%s`",
            "sendMessage",
            {"chat_id": 1, "text": "Mia has piano on Monday"},
        ),
    )
    assert "sendMessage" in calling and "Mia" not in calling
    result = shown(
        redactor,
        record(
            "Call to Bot API endpoint `%s` finished with return value `%s`",
            "getUpdates",
            [{"message": {"text": "my private words"}}],
        ),
    )
    assert "getUpdates" in result and "private words" not in result
