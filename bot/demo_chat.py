"""The demo's terminal chat: what the bot sends, printed readably, and the keys to press.

HTML formatting is rendered (bold and italics as terminal styles when the output is a
terminal, dropped when it is piped) and every line wrapped to the terminal's width. Each
file the bot sends (a calendar picture, an "Add to calendar" .ics) is saved under
``DATA_DIR/demo-files/`` and its path printed; ``/show`` opens the latest one with the
system's viewer (``/open`` is the admin's command). ``/as 3002`` switches to another Telegram account; ``/others`` shows what
the bot sent to other accounts meanwhile (e.g. a parent told of an admin's change).
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.local_api import BotEvent, LocalBotApi

QUIET = 0.3  # seconds of silence after which the bot is taken to be done answering
WAIT = 8.0
STYLES = {"b": ("\033[1m", "\033[22m"), "strong": ("\033[1m", "\033[22m")}
STYLES |= {"i": ("\033[3m", "\033[23m"), "em": ("\033[3m", "\033[23m")}
STYLES |= {"code": ("\033[36m", "\033[39m")}
TAG = re.compile(r"<(/?)([a-zA-Z]+)[^>]*>")


@dataclass
class Screen:
    """What the terminal shows: the numbered buttons of the latest keyboard, whose chat it
    is, the files saved so far and how far the other accounts' messages were shown."""

    user_id: int
    files_dir: Path
    buttons: dict[int, tuple[int, str]] = field(default_factory=dict)  # n -> (message, data)
    shown: set[int] = field(default_factory=set)
    saved: list[Path] = field(default_factory=list)
    others_seen: int = 0


def html_to_terminal(text: str, styled: bool) -> str:
    """Telegram HTML as terminal text: <b>/<i>/<code> as styles (or plain), entities decoded."""

    def tag(match: re.Match[str]) -> str:
        closing, name = match.group(1), match.group(2).lower()
        if not styled or name not in STYLES:
            return ""
        return STYLES[name][1 if closing else 0]

    return html.unescape(TAG.sub(tag, text))


def wrap(line: str, width: int, indent: str = "  ") -> list[str]:
    """One line wrapped at words to ``width`` (bullets keep a hanging indent)."""
    if not line.strip():
        return [indent.rstrip()]
    hang = indent + ("  " if line.lstrip().startswith(("•", "-", "–")) else "")
    return textwrap.wrap(
        line, width=max(width, 30), initial_indent=indent, subsequent_indent=hang,
        break_long_words=False, break_on_hyphens=False,
    ) or [indent]  # fmt: skip


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def message_body(message: dict[str, Any]) -> str:
    """The message as the bot wrote it (HTML when it used HTML), else its plain text."""
    raw = message.get("raw_text")
    if raw and (message.get("parse_mode") or "").upper() == "HTML":
        return str(raw)
    return html.escape(str(message.get("text") or message.get("caption") or ""))


def save_files(server: LocalBotApi, message: dict[str, Any], screen: Screen) -> list[Path]:
    """Each file of the message (document, or the largest photo) saved under demo-files/."""
    found = []
    document = message.get("document")
    if document:
        found.append((document.get("file_id"), document.get("file_name")))
    photos = message.get("photo") or []
    if photos:
        found.append((photos[-1].get("file_id"), None))
    paths = []
    for file_id, name in found:
        record = server.file(file_id) if file_id else None
        if record is None or record.data is None:
            continue
        file_name = Path(name or record.file_name or f"file-{message['message_id']}").name
        path = screen.files_dir / f"{message['message_id']}-{file_name}"
        screen.files_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(record.data)
        screen.saved.append(path)
        paths.append(path)
    return paths


def format_message(
    server: LocalBotApi, message: dict[str, Any], *, updated: bool, screen: Screen
) -> str:
    """A message for the terminal: header, saved files, wrapped text, numbered buttons."""
    styled, width = sys.stdout.isatty(), terminal_width()
    lines = ["bot (updated)>" if updated else "bot>"]
    for path in save_files(server, message, screen):
        lines.append(f"  [file saved: {path}]  (/show opens it)")
    body = html_to_terminal(message_body(message), styled)
    for line in body.splitlines():
        lines += wrap(line, width)
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    if rows:
        screen.buttons = {}
        for row in rows:
            cells = []
            for button in row:
                number = len(screen.buttons) + 1
                data = button.get("callback_data", "")
                screen.buttons[number] = (int(message["message_id"]), data)
                cells.append(f"[{number}] {button.get('text', '')}")
            joined = "  " + "   ".join(cells)
            if len(joined) <= width or len(cells) == 1:
                lines += wrap("   ".join(cells), width)
            else:  # a row too wide for the terminal: a button per line, never split
                lines += [f"  {cell}" for cell in cells]
    return "\n".join(lines) + "\n"


def render(server: LocalBotApi, events: list[BotEvent], screen: Screen) -> None:
    """Print the messages the bot sent or changed; number the buttons of the latest keyboard."""
    touched: list[tuple[int, bool]] = []
    for event in events:
        if event.kind == "answer_callback":
            answer = event.data.get("answer") or {}
            if answer.get("text"):
                print(f"  [{answer['text']}]", flush=True)
        elif (
            event.kind in ("send", "edit_text", "edit_markup", "edit_caption") and event.message_id
        ):
            touched = [t for t in touched if t[0] != event.message_id]
            touched.append((event.message_id, event.kind != "send"))
    for message_id, is_edit in touched:
        message = server.message(screen.user_id, message_id)
        if message is None or message.get("deleted"):
            continue
        updated = is_edit and message_id in screen.shown
        print(format_message(server, message, updated=updated, screen=screen))
        screen.shown.add(message_id)
    sys.stdout.flush()


def show_others(server: LocalBotApi, screen: Screen) -> None:
    """What the bot sent to other accounts since the last /others."""
    events = [
        e
        for e in server.history(after=screen.others_seen)
        if e.actor == "bot" and e.kind == "send" and str(e.chat_id) != str(screen.user_id)
    ]
    screen.others_seen = server.seq
    if not events:
        print("  (nothing sent to other accounts since the last look)", flush=True)
    for event in events:
        if event.chat_id is None:  # a "send" always names its chat
            continue
        message = server.message(event.chat_id, event.message_id or 0) or {}
        body = html_to_terminal(message_body(message), sys.stdout.isatty())
        print(f"to {event.chat_id}>")
        for line in body.splitlines():
            print("\n".join(wrap(line, terminal_width())))
    sys.stdout.flush()


def open_latest(screen: Screen) -> None:
    """/show: the latest saved file in the system's viewer (xdg-open, open, or start)."""
    if not screen.saved:
        print("  (no file yet: /calendar sends a picture)", flush=True)
        return
    path = screen.saved[-1]
    opener = {"darwin": ["open"], "win32": ["cmd", "/c", "start", ""]}.get(sys.platform)
    command = [*(opener or ["xdg-open"]), str(path)]
    try:
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        print(f"  (opening {path})", flush=True)
    except OSError as exc:
        print(f"  (could not open {path}: {exc.strerror}; open it yourself)", flush=True)


async def chat(server: LocalBotApi, user_id: int, files_dir: Path) -> None:
    """The terminal conversation: one line in, the bot's answer out, until /quit or EOF."""
    screen = Screen(user_id, files_dir, others_seen=server.seq)
    print(
        f"You are Telegram user {user_id}. Type /start, /book, /mybookings, /help; "
        "a number presses that button; /as ID switches user, /others shows what other "
        "users were sent, /show opens the latest file; /quit ends.\n",
        flush=True,
    )
    while True:
        line = await asyncio.to_thread(_read_line)
        if line is None or line.strip() in ("/quit", "/exit"):
            return
        line = line.strip()
        if not line:
            continue
        if await _demo_command(server, line, screen):
            continue
        after = server.seq
        if line.isdigit() and int(line) in screen.buttons:
            message_id, data = screen.buttons[int(line)]
            await server.press(screen.user_id, message_id, data)
        elif line.isdigit() and screen.buttons:
            print(f"  (no button {line}; buttons are 1–{max(screen.buttons)})", flush=True)
            continue
        else:
            await server.send_text(screen.user_id, line, first_name="Demo")
        try:
            events = await server.settle(screen.user_id, after, quiet=QUIET, timeout=WAIT)
        except TimeoutError:
            print("  (the bot did not answer)", flush=True)
            continue
        render(server, events, screen)


async def _demo_command(server: LocalBotApi, line: str, screen: Screen) -> bool:
    """The demo's own commands (never sent to the bot); whether ``line`` was one."""
    word, _, rest = line.partition(" ")
    if word == "/as":
        if not rest.strip().isdigit():
            print("  (usage: /as 3002 — a Telegram id; see README for who is who)", flush=True)
            return True
        screen.user_id, screen.buttons = int(rest.strip()), {}
        screen.others_seen = server.seq  # /others: what others get from now on
        print(f"  (you are now Telegram user {screen.user_id})", flush=True)
        return True
    if word == "/others":
        show_others(server, screen)
        return True
    if word == "/show":
        open_latest(screen)
        return True
    return False


def _read_line() -> str | None:
    if sys.stdin.isatty():
        try:
            return input("you> ")
        except EOFError:
            return None
    line = sys.stdin.readline()
    if not line:
        return None
    print(f"you> {line.rstrip()}", flush=True)
    return line
