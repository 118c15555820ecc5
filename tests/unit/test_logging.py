"""Logging: the bot's token never reaches the logs through the HTTP client's request lines."""

from __future__ import annotations

import logging

import pytest

from bot.cli.main import configure_logging

NAMES = ("", "httpx", "httpcore", "pgserver", "apscheduler", "aiohttp.access")


@pytest.fixture(autouse=True)
def restore_levels():  # type: ignore[no-untyped-def]
    """configure_logging changes process-wide loggers: put them back for the other tests."""
    saved = {name: logging.getLogger(name).level for name in NAMES}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


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
