"""The embedded PostgreSQL: data kept under DATA_DIR, shared by processes on the same DATA_DIR."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

from bot.embedded_db import start_embedded

CHILD = textwrap.dedent(
    """
    import sys, warnings
    from pathlib import Path
    warnings.filterwarnings("ignore")
    from bot.embedded_db import start_embedded
    embedded = start_embedded(Path(sys.argv[1]))
    print(embedded.psql("SELECT count(*) FROM shared_note;"))
    embedded.stop()
    """
)


def test_a_second_process_shares_the_server_and_leaving_does_not_stop_it(
    tmp_path: Path,
) -> None:
    warnings.filterwarnings("ignore", module="platformdirs")
    first = start_embedded(tmp_path, cleanup_mode="delete")
    try:
        first.psql("CREATE TABLE shared_note (id int); INSERT INTO shared_note VALUES (7), (8);")
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert child.returncode == 0, child.stderr[-500:]
        # the child joined the running server and saw its data...
        assert " 2\n" in child.stdout
        # ...and its leaving did not stop the server this process still uses
        assert "1 row" in first.psql("SELECT 1;")
    finally:
        first.stop()


def test_data_survives_a_restart(tmp_path: Path) -> None:
    warnings.filterwarnings("ignore", module="platformdirs")
    first = start_embedded(tmp_path)
    first.psql("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42);")
    first.stop()
    second = start_embedded(tmp_path, cleanup_mode="delete")
    try:
        assert "42" in second.psql("SELECT id FROM kept;")
    finally:
        second.stop()
