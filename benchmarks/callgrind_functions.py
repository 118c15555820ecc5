"""Per-function instructions of callgrind files, one set against another, per update.

For bot_instructions.py's ``--keep-postgres`` folders: each run leaves ``R.T.zero`` (the
warm-up alone) and ``R.T.full`` (warm-up and the measured parents); a set is ``full`` less
``zero``, so what it shows is the measured updates' share. Usage::

    python benchmarks/callgrind_functions.py --updates 40 KEEP/1.0. KEEP/1.1. [--top 60]

Each argument is a prefix: PREFIX + ``full`` and PREFIX + ``zero`` are read. Reported, per
function: the inclusive instructions (its own and its callees', through each call's cost as
callgrind wrote it; a recursive function counts its inner calls again) and the calls, per
update, in each set, with the difference to the first; sorted by the largest difference.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

_NAMED = re.compile(r"\((\d+)\)(?: (.*))?")


def read(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Inclusive instructions and calls per function name, in one callgrind file; and per
    call from one function to another (named ``CALLER>CALLEE``)."""
    inclusive: dict[str, int] = defaultdict(int)
    calls: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}

    def name(spec: str) -> str:
        match = _NAMED.fullmatch(spec.strip())
        if match is None:
            return spec.strip()
        if match.group(2) is not None:
            names[match.group(1)] = match.group(2)
        return names.get(match.group(1), spec)

    current = ""
    called = ""
    call_line = False
    with path.open(errors="replace") as lines:
        for line in lines:
            first = line[:1]
            if first.isdigit() or first in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                inclusive[current] += cost  # own cost, or a call's (its callee's inclusive)
                if call_line:
                    inclusive[f"{current}>{called}"] += cost
                    call_line = False
                continue
            if line.startswith("fn="):
                current = name(line[3:])
            elif line.startswith("cfn="):
                called = name(line[4:])
            elif line.startswith("calls="):
                count = int(line[6:].split()[0])
                calls[called] += count
                calls[f"{current}>{called}"] += count
                call_line = True
    return inclusive, calls


def one_set(prefix: str) -> tuple[dict[str, int], dict[str, int], int]:
    """Inclusive instructions and calls per function, ``full`` less ``zero``; and the total."""
    inclusive: dict[str, int] = defaultdict(int)
    calls: dict[str, int] = defaultdict(int)
    total = 0
    for part, sign in (("full", 1), ("zero", -1)):
        folder = Path(prefix + part)
        for path in sorted(folder.iterdir()):
            got, count = read(path)
            for key, value in got.items():
                inclusive[key] += sign * value
            for key, value in count.items():
                calls[key] += sign * value
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith(("totals:", "summary:")):
                    total += sign * int(line.split()[1])
                    break
    return inclusive, calls, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="+", help="KEEP/R.T. (reads its full and zero)")
    parser.add_argument("--updates", type=float, required=True, help="measured updates")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument(
        "--match", default="",
        help="only names with this (a call from one function to another is CALLER>CALLEE: "
        "--match 'PostgresMain>' lists what the backend's main loop spent, callee by callee)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    sets = [one_set(p) for p in args.prefixes]
    u = args.updates
    print("total per update: " + ", ".join(f"{t / u / 1e6:.3f} M" for _i, _c, t in sets))
    names = set().union(*(s[0] for s in sets))
    names = {n for n in names if args.match in n and (">" in args.match or ">" not in n)}

    def spread(n: str) -> float:
        values = [s[0].get(n, 0) for s in sets]
        return max(abs(v - values[0]) for v in values) if len(values) > 1 else abs(values[0])

    print("| function | " + " | ".join(f"Ir/upd {i}, calls/upd" for i in range(len(sets))) + " |")
    for n in sorted(names, key=spread, reverse=True)[: args.top]:
        cells = [f"{s[0].get(n, 0) / u / 1e3:,.0f} k, {s[1].get(n, 0) / u:.2f}" for s in sets]
        print(f"| {n[:70]} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
