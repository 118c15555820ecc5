"""musicbot as a user gets it: a wheel built from this tree, installed into a fresh venv.

The wheel must hold every file the code reads at run time (the demo school, the
migrations, the font), and ``musicbot demo`` run from outside the source tree must reach
the chat. The wheel is built offline (``--no-build-isolation``) from a copy of the tree;
the fresh venv has no system site-packages and gets the wheel alone (``--no-deps``), with
this environment's installed dependencies made importable by a ``.pth`` file, so nothing
is downloaded and the project's own modules can only come from the wheel.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import pg

SOURCE = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "core", "handlers", "scheduler")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


def _source_files() -> set[str]:
    """Every file of the packages in the tree (modules, migrations, data), as a wheel names it."""
    return {
        path.relative_to(SOURCE).as_posix()
        for package in PACKAGES
        for path in (SOURCE / package).rglob("*")
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts
    }


def _run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, text=True, **kwargs
    )  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the tree (the build writes beside its sources)."""
    tree = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(SOURCE / package, tree / package, ignore=NOT_SHIPPED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(SOURCE / name, tree / name)
    out = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "--wheel-dir",
        out,
        tree,
    )
    (built,) = out.glob("musicbot-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (no system site-packages) with the wheel installed, its scripts too."""
    home = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", home)
    python = home / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         "--no-index", wheel)  # fmt: skip
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    # the dependencies, as installed here: plain path entries, so this environment's
    # editable-install hook (a .pth in that folder) is not run and cannot reach the tree
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "musicbot_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    return home


@pytest.fixture
async def empty_db_url(pg_server: pg.TestServer) -> AsyncIterator[str]:
    """A new, empty database (not the migrated template): the wheel's migrations build it."""
    name = pg.unique_name("mbwheel")
    url = await pg_server.create_database(name)
    yield url
    await pg_server.drop_database(name)


def test_the_wheel_holds_every_file_the_code_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "bot/demo-school.yaml",
        "core/calendar/fonts/DejaVuSans.ttf",
        "core/locale/ru/LC_MESSAGES/musicbot.mo",
        "core/locale/de/LC_MESSAGES/musicbot.mo",
        "core/db/migrations/env.py",
        "core/db/migrations/script.py.mako",
    } <= names
    assert _source_files() - names == set()
    assert not any(name.startswith(("tests/", "examples/", "benchmarks/")) for name in names)


def test_the_installed_code_comes_from_the_wheel_not_the_tree(venv: Path) -> None:
    where = _run(
        venv / "bin" / "python",
        "-c",
        "import bot.demo, core, handlers, scheduler; print(bot.demo.DEFAULT_SCHOOL)",
        cwd=venv,
        env={"PATH": os.environ.get("PATH", "")},
    )
    shipped = Path(where.stdout.strip())
    assert shipped.is_relative_to(venv) and shipped.is_file()


async def test_musicbot_demo_from_the_wheel_reaches_the_chat(
    venv: Path, empty_db_url: str, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DATABASE_URL": empty_db_url,
        "DATA_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
    }
    demo = await asyncio.create_subprocess_exec(
        str(venv / "bin" / "musicbot"),
        "demo",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(demo.communicate(b"/start\n/quit\n"), timeout=180)
    stdout, stderr = out.decode(), err.decode()
    assert demo.returncode == 0, stderr
    assert "you> /start" in stdout
    chat = stdout.split("you> /start", 1)[1]
    # parent 3001 of the demo school, read from the file inside the installed package
    assert "bot>\n  Welcome back, Linh Nguyen!" in chat, stdout
    assert stdout.rstrip().endswith("Bye.")
