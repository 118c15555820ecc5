"""Reading a school file: its text, the YAML, each item typed on its own, the entry points.

``parse_school_file(text_or_path)`` returns a typed :class:`~core.school_file.schema.SchoolFile`
or raises :class:`~core.errors.SchoolFileError` listing *every* problem of the file, one line
each, as ``field.path: message`` (e.g. ``lessons[0].teacher: no teacher 'smyth' (known:
jones, lee)``). ``school_file_problems`` returns the same lines without raising.

Each item is validated on its own, so one bad item does not hide the others; the rules
across fields and items are in :mod:`core.school_file.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.errors import SchoolFileError
from core.school_file.checks import cross_item_problems
from core.school_file.fields import FileModel, field_path
from core.school_file.schema import (
    SECTIONS,
    TOP_KEYS,
    Parsed,
    SchoolFile,
    SchoolInfo,
    validate_item,
)

__all__ = ["load_school_text", "parse_school_file", "school_file_problems"]


# --- YAML loading ---------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML without base-60 numbers (``16:00`` stays a string) and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    list("-+0123456789"),
)


def load_school_text(text_or_path: str | Path) -> tuple[str, str]:
    """The file's text and a label for messages. A ``Path``, or a one-line string naming
    an existing ``.yaml``/``.yml`` file, is read; any other string is the YAML itself."""
    if isinstance(text_or_path, Path) or _looks_like_path(text_or_path):
        path = Path(text_or_path)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise SchoolFileError([f"{path}: file not found"]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SchoolFileError([f"{path}: cannot read the file ({exc})"]) from None
    return text_or_path, "school file"


def _looks_like_path(value: str) -> bool:
    if "\n" in value or ":" in value.replace("\\", "/").split("/")[-1]:
        return False
    return value.strip().endswith((".yaml", ".yml")) or Path(value).is_file()


def _load_yaml(text: str, label: str) -> object:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else label
        raise SchoolFileError([f"{where}: {exc.problem or exc.context} (YAML syntax)"]) from None
    except yaml.YAMLError as exc:
        raise SchoolFileError([f"{label}: not valid YAML ({exc})"]) from None


# --- pydantic errors as problem lines ---------------------------------------------------------


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _error_message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key"
    message = str(error["msg"])
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    value = error.get("input")
    if value is not None and not isinstance(value, dict | list):
        message += f", got {_short(value)}"
    return message


def _pydantic_problems(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[str]:
    problems = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if not _is_pydantic_tag(part))
        problems.append(f"{field_path(*prefix, *loc)}: {_error_message(error)}")
    return problems


def _is_pydantic_tag(part: object) -> bool:
    # union and validator steps show up in locations, e.g. "function-after[...]" or "int"
    return isinstance(part, str) and ("[" in part or part in {"int", "str", "none"})


# --- structure: each item on its own, so one bad item does not hide the others --------------


def _parse_structure(data: object, label: str) -> Parsed:
    parsed = Parsed()
    if data is None:
        parsed.problems.append(f"{label}: the file is empty")
        return parsed
    if not isinstance(data, dict):
        parsed.problems.append(f"{label}: expected a mapping with keys {', '.join(TOP_KEYS)}")
        return parsed
    for key in data:
        if key not in TOP_KEYS:
            parsed.problems.append(f"{key}: unknown key")
    _parse_school(data, parsed)
    for section, model in SECTIONS.items():
        _parse_section(section, model, data.get(section), parsed)
    return parsed


def _parse_school(data: dict[Any, Any], parsed: Parsed) -> None:
    if "school" not in data:
        parsed.problems.append("school: is required")
        return
    result = validate_item(SchoolInfo, data["school"])
    if isinstance(result, ValidationError):
        parsed.problems.extend(_pydantic_problems(result, ("school",)))
    else:
        parsed.school = result


def _parse_section(section: str, model: type[FileModel], value: object, parsed: Parsed) -> None:
    parsed.raw[section] = []
    parsed.valid[section] = {}
    if value is None:
        return
    if not isinstance(value, list):
        parsed.problems.append(f"{section}: expected a list")
        return
    parsed.raw[section] = value
    for index, item in enumerate(value):
        result = validate_item(model, item)
        if isinstance(result, ValidationError):
            parsed.problems.extend(_pydantic_problems(result, (section, index)))
        else:
            parsed.valid[section][index] = result


# --- entry points ----------------------------------------------------------------------------


def _parse(text_or_path: str | Path) -> tuple[SchoolFile | None, list[str]]:
    text, label = load_school_text(text_or_path)
    parsed = _parse_structure(_load_yaml(text, label), label)
    problems = sorted(parsed.problems + cross_item_problems(parsed), key=_file_order)
    if problems or parsed.school is None:
        return None, problems
    sections = {name: list(parsed.valid[name].values()) for name in SECTIONS}
    return SchoolFile(school=parsed.school, **sections), []


_ORDER_RE = re.compile(r"^([A-Za-z_]+)(?:\[(\d+)\])?")


def _file_order(problem: str) -> tuple[int, int]:
    """Sort key: problems in the order of the file's sections and items (stable within)."""
    match = _ORDER_RE.match(problem)
    if match is None or match.group(1) not in TOP_KEYS:
        return (-1, 0)
    return (TOP_KEYS.index(match.group(1)), int(match.group(2) or 0))


def school_file_problems(text_or_path: str | Path) -> list[str]:
    """Every problem of a school file as ``path: message`` lines; empty when it is valid."""
    try:
        return _parse(text_or_path)[1]
    except SchoolFileError as exc:
        return exc.problems


def parse_school_file(text_or_path: str | Path) -> SchoolFile:
    """Parse and validate a school file (YAML text or a path).

    Raises :class:`SchoolFileError` with every problem found when the file is not valid.
    """
    school_file, problems = _parse(text_or_path)
    if school_file is None:
        raise SchoolFileError(problems or ["school file: not valid"])
    return school_file
