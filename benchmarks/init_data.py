"""Cost of checking one Mini App init data string, as the API's `tma` credentials do.

Run ``python benchmarks/init_data.py [N]`` from a tree's root (it imports that tree's code):
N verifications of one signed string (the path a Mini App's every request takes), then the
account's id and language. A tree that checks every time (``check_init_data`` and the user's
JSON) and one that remembers verified strings (``handlers.api.init_data``) are both handled.
For instruction counts, run it twice under callgrind and take the difference:

    valgrind --tool=callgrind python benchmarks/init_data.py 1000
    valgrind --tool=callgrind python benchmarks/init_data.py 11000   # (b - a) / 10000

Without valgrind it prints microseconds per verification (noisy on a shared machine).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

# benchmarks/calendar.py would shadow the stdlib module: the project root goes first instead
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import handlers.api.auth as auth  # noqa: E402
from bot.http.miniapp import sign_init_data  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"
NOW = 1_900_000_100


def verifier() -> Any:
    data = sign_init_data(TOKEN, 1001, "Office", NOW - 60, "en")
    try:
        from handlers.api.init_data import InitDataCache
    except ImportError:  # a tree that checks every time

        def every_time() -> tuple[int, str | None]:
            fields = auth.check_init_data(data, TOKEN, 86400, NOW)
            old: Any = auth
            return old.telegram_id_of(fields), old._client_language(fields)

        return every_time
    cache = InitDataCache()

    def remembered() -> tuple[int, str | None]:
        me = cache.verify(
            data, 86400, NOW, lambda raw: auth.check_init_data(raw, TOKEN, 86400, NOW)
        )
        return me.telegram_id, me.client_language

    return remembered


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    once = verifier()
    start = time.perf_counter()
    for _ in range(n):
        once()
    took = time.perf_counter() - start
    print(f"{auth.__file__}: {n} verifications, {1e6 * took / max(n, 1):.2f} us each -> {once()}")


if __name__ == "__main__":
    main()
