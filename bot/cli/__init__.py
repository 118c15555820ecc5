"""The `musicbot` command line (also `python -m bot`): the bot, the demo and the admin's tools."""

from bot.cli.main import main

__all__ = ["main"]
