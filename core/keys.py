"""Keys typed by hand (CLI arguments, chat commands): the refusal names the near matches
and the valid keys, so a typo is fixed without opening the school file."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from core.errors import NotFound

SHOWN = 12  # at most this many valid keys in one refusal


def near_matches(key: str, known: Sequence[str], n: int = 3) -> list[str]:
    """The known keys closest to ``key`` (case-insensitive), best first."""
    folded = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(key.casefold(), list(folded), n=n, cutoff=0.5)
    starts = [k for f, k in folded.items() if key and f.startswith(key.casefold())]
    out: list[str] = []
    for k in [*(folded[c] for c in close), *starts]:
        if k not in out:
            out.append(k)
    return out[:n]


def unknown_key(what: str, key: str, known: Sequence[str]) -> NotFound:
    """'No lesson 'pino' in this school. Did you mean piano? Lessons: piano, theory.'"""
    message = f"No {what} '{key}' in this school."
    near = near_matches(key, known)
    if near:
        message += f" Did you mean {' or '.join(near)}?"
    ordered = sorted(known)
    if ordered:
        listed = ", ".join(ordered[:SHOWN]) + (", …" if len(ordered) > SHOWN else "")
        message += f" Known {what} keys: {listed}."
    else:
        message += f" It has no {what}s yet."
    return NotFound(message)
