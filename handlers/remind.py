"""remind handlers (being built)."""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this area's handlers."""
