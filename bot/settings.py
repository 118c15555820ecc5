"""Settings from the environment or `.env` (the contract listed in `.env.example`)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DB_POOL_SIZE = 10  # kept open; as many again opened for a moment in a burst
DEFAULT_HTTP_LISTEN = "127.0.0.1"
DEFAULT_HTTP_PORT = 8080


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    listen: str
    port: int
    path: str
    secret: str


def _loopback_http(url: str) -> bool:
    """http:// to a loopback address: the local Bot API server behind a local load balancer."""
    host = urlparse(url).hostname or ""
    if not url.startswith("http://"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = ""
    telegram_api_base_url: str = TELEGRAM_DEFAULT_BASE_URL
    telegram_bot_username: str = ""  # optional: for invite links without asking Telegram
    database_url: str = ""
    data_dir: Path = Path("./var")
    log_level: str = "INFO"
    # database connections the process keeps open (10); up to as many again are opened for a
    # moment in a burst. 32 (one per update handled at once, the Application's
    # concurrent_updates) saves opening them in a burst, at the cost of PostgreSQL's
    # max_connections when several processes share one database
    db_pool_size: int = Field(default=DEFAULT_DB_POOL_SIZE, ge=1, le=1000)
    # the one HTTP server (health, JSON API, Mini App, feeds, webhook): HTTP_LISTEN:HTTP_PORT,
    # reached by users at PUBLIC_URL; WEBHOOK_LISTEN/WEBHOOK_PORT are older names of the two
    http_listen: str | None = None
    http_port: int | None = Field(default=None, ge=0, le=65535)
    public_url: str = ""
    webapp_auth_max_age: int = Field(default=86400, ge=1)
    # how long a waitlist offer of a freed slot stands before the next family is offered it
    waitlist_offer_minutes: int = Field(default=120, ge=1, le=10080)
    # webhook mode (optional): Telegram calls WEBHOOK_URL, which reaches this process's HTTP
    # server (behind your TLS proxy); requests must carry WEBHOOK_SECRET
    webhook_url: str = ""
    webhook_listen: str | None = None
    webhook_port: int | None = Field(default=None, ge=0, le=65535)
    webhook_secret: str = ""

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

    @property
    def listen(self) -> str:
        """The HTTP server's address: HTTP_LISTEN, else the older WEBHOOK_LISTEN."""
        return (self.http_listen or self.webhook_listen or DEFAULT_HTTP_LISTEN).strip()

    @property
    def port(self) -> int:
        """The HTTP server's port: HTTP_PORT, else the older WEBHOOK_PORT."""
        for value in (self.http_port, self.webhook_port):
            if value is not None:
                return value
        return DEFAULT_HTTP_PORT

    @property
    def base_url(self) -> str:
        """Where users reach the HTTP server: PUBLIC_URL, else http://HTTP_LISTEN:HTTP_PORT."""
        url = self.public_url.strip().rstrip("/")
        return url or f"http://{self.listen}:{self.port}"

    def webhook(self) -> WebhookSettings | None:
        """The webhook to serve, or None for long polling."""
        url = self.webhook_url.strip()
        if not url:
            return None
        if not url.startswith("https://") and not _loopback_http(url):
            raise ValueError("WEBHOOK_URL must be an https:// URL (Telegram calls it)")
        secret = self.webhook_secret.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ValueError(
                "WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and - "
                "when WEBHOOK_URL is set"
            )
        path = urlparse(url).path or "/"
        return WebhookSettings(url, self.listen, self.port, path, secret)

    def require_token(self) -> str:
        token = self.telegram_bot_token.strip()
        if not token or token in {"changeme", "your-token-here", "123456:ABC"}:
            raise ValueError(
                "TELEGRAM_BOT_TOKEN is not set: get one from @BotFather, "
                "or try `musicbot demo`, which needs none"
            )
        return token
