"""Settings from the environment or `.env` (the contract listed in `.env.example`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = ""
    telegram_api_base_url: str = TELEGRAM_DEFAULT_BASE_URL
    telegram_bot_username: str = ""  # optional: for invite links without asking Telegram
    database_url: str = ""
    data_dir: Path = Path("./var")
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _asyncpg_only(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("postgresql+asyncpg://"):
            raise ValueError("DATABASE_URL must be a postgresql+asyncpg:// URL (or empty)")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @property
    def telegram_file_base_url(self) -> str:
        """The file URL that goes with the API base URL (`.../bot` -> `.../file/bot`)."""
        base = self.telegram_api_base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    def require_token(self) -> str:
        token = self.telegram_bot_token.strip()
        if not token or token in {"changeme", "your-token-here", "123456:ABC"}:
            raise ValueError(
                "TELEGRAM_BOT_TOKEN is not set: get one from @BotFather, "
                "or try `musicbot demo`, which needs none"
            )
        return token
