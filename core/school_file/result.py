"""What an import did: how many records of each kind it created, updated or left alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "ImportResult", "KindCounts"]

KINDS = (
    "school",
    "admin",
    "teacher",
    "location",
    "room",
    "term",
    "family",
    "parent",
    "student",
    "lesson",
    "event",
)


@dataclass
class KindCounts:
    """How many records of one kind the import created, updated or left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportResult:
    """What an import did, per kind of record (see ``KINDS``)."""

    school_key: str
    school_id: int
    counts: dict[str, KindCounts] = field(default_factory=lambda: {k: KindCounts() for k in KINDS})

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def record(self, kind: str, *, created: bool, changed: bool) -> None:
        counts = self.counts[kind]
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for ``musicbot import --format json``."""
        return {
            "school": self.school_key,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kinds": {kind: counts.as_dict() for kind, counts in self.counts.items()},
        }

    def summary(self) -> str:
        """One line, e.g. ``music-n-me: 52 created, 0 updated, 0 unchanged``."""
        return (
            f"{self.school_key}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
