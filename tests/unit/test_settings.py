"""Settings: the environment contract and its refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_defaults_give_telegram_and_an_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_API_BASE_URL", "DATABASE_URL", "WEBHOOK_URL", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_base_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == ""
    assert settings.webhook() is None


def test_a_local_bot_api_server_gets_its_file_url() -> None:
    settings = Settings(_env_file=None, telegram_api_base_url="http://127.0.0.1:8081/bot")  # type: ignore[call-arg]
    assert settings.telegram_file_base_url == "http://127.0.0.1:8081/file/bot"


def test_only_asyncpg_database_urls_are_accepted() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, database_url="mysql://x")  # type: ignore[call-arg]


def test_missing_token_is_explained() -> None:
    with pytest.raises(ValueError, match="musicbot demo"):
        Settings(_env_file=None, telegram_bot_token="").require_token()  # type: ignore[call-arg]


def test_webhook_needs_https_and_a_real_secret() -> None:
    base = {"_env_file": None, "webhook_url": "https://bot.example.org/tg"}
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(**base, webhook_secret="short").webhook()  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="https"):
        Settings(_env_file=None, webhook_url="http://x/tg").webhook()  # type: ignore[call-arg]
    hook = Settings(**base, webhook_secret="a" * 20).webhook()  # type: ignore[arg-type]
    assert hook is not None and hook.path == "/tg" and hook.port == 8080


def test_webhook_over_http_only_on_loopback() -> None:
    """A local load balancer in front of the local Bot API server (benchmarks/scale_out.py)."""
    secret = "a" * 20
    for url in ("http://127.0.0.1:8443/tg", "http://localhost:8443/tg"):
        hook = Settings(_env_file=None, webhook_url=url, webhook_secret=secret).webhook()  # type: ignore[call-arg]
        assert hook is not None and hook.path == "/tg"
    with pytest.raises(ValueError, match="https"):
        Settings(
            _env_file=None, webhook_url="http://127.evil.org/tg", webhook_secret=secret
        ).webhook()  # type: ignore[call-arg]
