"""Keys typed by hand (CLI arguments, chat commands): the refusal names the near matches
and the valid keys, so a typo is fixed without opening the school file."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from core.errors import NotFound
from core.i18n import N_, Later, gettext

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


# "No lesson 'x' in this school.", one catalog text per kind of key (its words differ by
# kind in other languages: "Kein Kurs", "Keine Familie")
NO_SUCH = {
    "lesson": N_("No lesson '{key}' in this school."),
    "student": N_("No student '{key}' in this school."),
    "family": N_("No family '{key}' in this school."),
    "teacher": N_("No teacher '{key}' in this school."),
    "term": N_("No term '{key}' in this school."),
    "location": N_("No location '{key}' in this school."),
}
KNOWN = {
    "lesson": N_("Known lesson keys: {keys}."),
    "student": N_("Known student keys: {keys}."),
    "family": N_("Known family keys: {keys}."),
    "teacher": N_("Known teacher keys: {keys}."),
}
NONE_YET = {
    "lesson": N_("It has no lessons yet."),
    "student": N_("It has no students yet."),
    "family": N_("It has no families yet."),
    "teacher": N_("It has no teachers yet."),
}
DID_YOU_MEAN = N_("Did you mean {keys}?")
OR = N_(" or ")


def no_such(what: str, key: str) -> NotFound:
    """'No lesson 'pino' in this school.', in the language current where it is read."""
    return NotFound(NO_SUCH.get(what, "No " + what + " '{key}' in this school."), key=key)


def unknown_key(what: str, key: str, known: Sequence[str]) -> NotFound:
    """'No lesson 'pino' in this school. Did you mean piano? Known lesson keys: piano,
    theory.', each part in the language current where the refusal is read."""
    near = near_matches(key, known)
    ordered = sorted(known)
    listed = ", ".join(ordered[:SHOWN]) + (", …" if len(ordered) > SHOWN else "")

    def missing() -> str:
        return gettext(NO_SUCH.get(what, "No " + what + " '{key}' in this school.")).format(key=key)

    def maybe() -> str:
        return " " + gettext(DID_YOU_MEAN).format(keys=gettext(OR).join(near)) if near else ""

    def keys() -> str:
        if ordered:
            return " " + gettext(KNOWN.get(what, "Known " + what + " keys: {keys}.")).format(
                keys=listed
            )
        return " " + gettext(NONE_YET.get(what, "It has no " + what + "s yet."))

    return NotFound(
        "{missing}{near}{known}",
        missing=Later(build=missing),
        near=Later(build=maybe),
        known=Later(build=keys),
    )
