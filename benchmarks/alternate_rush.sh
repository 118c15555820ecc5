#!/bin/bash
# The booking rush for several trees in turn, one run each per round (a loaded machine's
# drift then hits every tree alike). Usage: benchmarks/alternate_rush.sh ROUNDS TREE...
# where each TREE is a worktree with its own .venv (or the python to use after a colon).
rounds=$1
shift
for round in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    tree=${spec%%:*}
    python=${spec#*:}
    [ "$python" = "$spec" ] && python=$tree/.venv/bin/python
    before=$(cut -d' ' -f1 /proc/loadavg)
    line=$(cd "$tree" && "$python" benchmarks/booking_rush.py --runs 1 --pgbench-seconds 5 2>/dev/null | grep '^run 1:')
    echo "round $round $tree load $before-$(cut -d' ' -f1 /proc/loadavg) :: $line"
  done
done
