"""Mini App init data once verified, remembered by its raw string.

An open Mini App sends the same ``tma <initData>`` with every request. Checking it (parsing
the query string, two HMAC-SHA256, the user's JSON) costs about 25 µs a request; a bounded
LRU keyed by the raw string (what the signature covers, so a changed byte is a different
key and is checked afresh) answers a repeat in about 1 µs. Only init data that passed the
check is remembered, so forged strings cannot crowd out good ones; ``auth_date`` is
compared with the request's time on every hit, so a remembered string expires exactly when
a fresh check would refuse it. One cache per HTTP server (its bot token and max age).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from core.i18n import gettext as _
from handlers.api.errors import unauthorized

SIZE = 4096  # init data strings remembered: about 1.5 MB at the usual 300 bytes each


@dataclass(frozen=True, slots=True)
class SignedIn:
    """What a request needs of valid init data: who, their client's language, when signed."""

    telegram_id: int
    client_language: str | None
    auth_date: int


def signed_in(fields: dict[str, str]) -> SignedIn:
    """The account of checked init data's fields; ApiError(401) when it names no user."""
    try:
        user = json.loads(fields.get("user", ""))
    except ValueError:
        user = None
    telegram_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(telegram_id, int) or isinstance(telegram_id, bool) or telegram_id <= 0:
        raise unauthorized(_("The Mini App's init data names no user."))
    code = user.get("language_code") if isinstance(user, dict) else None
    return SignedIn(telegram_id, code if isinstance(code, str) else None, int(fields["auth_date"]))


class InitDataCache:
    """Verified init data by raw string, least recently used dropped first."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._known: OrderedDict[str, SignedIn] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._known)

    def verify(
        self,
        init_data: str,
        max_age: int,
        now: float,
        check: Callable[[str], dict[str, str]],
    ) -> SignedIn:
        """The account of ``init_data``: remembered, or ``check``ed (which raises ApiError
        for anything invalid) and then remembered; expired init data is refused (401) and
        forgotten, as the check would refuse it."""
        known = self._known.get(init_data)
        if known is None:
            self.misses += 1
            known = signed_in(check(init_data))
            self._known[init_data] = known
            if len(self._known) > self.size:
                self._known.popitem(last=False)
        else:
            self.hits += 1
            self._known.move_to_end(init_data)
        if now - known.auth_date > max_age:
            self._known.pop(init_data, None)
            raise unauthorized(_("The Mini App's sign-in has expired: open it again from the bot."))
        return known
