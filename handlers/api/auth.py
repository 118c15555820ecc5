"""Who is calling: a school's API key (`Bearer`) or a Telegram Mini App user (`tma`).

`tma <initData>` is checked as Telegram specifies: the secret is HMAC-SHA256 of the bot
token under the key "WebAppData"; the hash is HMAC-SHA256 under that secret of the
data-check string (every `key=value` but `hash`, sorted, joined by newlines), compared in
constant time; `auth_date` must be at most WEBAPP_AUTH_MAX_AGE seconds old (init data that
passed is remembered by its raw string: handlers.api.init_data). The account is
then whoever it is in the school (core.directory): admin, teacher and/or parent. An account
in several schools names one with `?school=KEY`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from aiohttp import web

from core.i18n import gettext as _
from core.i18n import pick_language, set_language
from core.identities import Identity, Role
from core.views import Actor
from handlers.api.context import ApiContext
from handlers.api.errors import ApiError, bad_request, forbidden, unauthorized
from handlers.api.init_data import SignedIn
from handlers.api.language import accepted

MAX_INIT_DATA = 8192


@dataclass(frozen=True)
class Caller:
    """One caller in one school: the school itself (an API key) or a person's roles there."""

    school_id: int
    school_key: str
    timezone: str
    label: str
    roles: dict[Role, Identity] = field(default_factory=dict)
    is_school: bool = False  # an API key: acts as the school, like the CLI

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_admin(self) -> bool:
        return self.is_school or Role.ADMIN in self.roles

    def parent(self) -> Identity | None:
        return self.roles.get(Role.PARENT)

    def teacher(self) -> Identity | None:
        return self.roles.get(Role.TEACHER)

    def actor(self) -> Actor:
        """Who acts on a booking: the school or an admin without the 24-hour rule, else the
        parent (held to their own family and to the rule)."""
        if self.is_school:
            return Actor.system(f"api:{self.label}")
        admin = self.roles.get(Role.ADMIN)
        if admin is not None:
            return Actor.admin(admin.name)
        parent = self.parent()
        if parent is not None:
            return Actor.parent(parent.person_id, parent.name)
        raise forbidden(_("Only the school's admins and the family's parents can do that."))

    def require(self, *roles: Role, what: str) -> None:
        """Refuse (403) unless the caller is the school or holds one of ``roles``; ``what``
        is the refusal, an English sentence marked with ``N_`` (said in the caller's
        language): "Only the school's admins can do that."."""
        if self.is_school and Role.ADMIN in roles:
            return
        if not any(role in self.roles for role in roles):
            raise forbidden(_(what))


def check_init_data(init_data: str, bot_token: str, max_age: int, now: float) -> dict[str, str]:
    """The fields of valid Mini App init data; raises ApiError(401) otherwise."""
    if not bot_token or not init_data or len(init_data) > MAX_INIT_DATA:
        raise unauthorized()
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise unauthorized() from None
    fields = dict(pairs)
    given = fields.pop("hash", "")
    if len(fields) + 1 != len(pairs) or not given:
        raise unauthorized()
    check_string = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given.encode("utf-8", "replace").decode()):
        raise unauthorized()
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        raise unauthorized() from None
    if now - auth_date > max_age:
        raise unauthorized(_("The Mini App's sign-in has expired: open it again from the bot."))
    return fields


def claimed_language(init_data: str) -> str | None:
    """The ``language_code`` init data's user claims, signed or not: only ever used to pick
    the words of a refusal."""
    if len(init_data) > MAX_INIT_DATA:
        return None
    try:
        user = json.loads(dict(parse_qsl(init_data)).get("user", ""))
    except ValueError:
        return None
    code = user.get("language_code") if isinstance(user, dict) else None
    return code if isinstance(code, str) else None


async def authenticate(request: web.Request, context: ApiContext, school: str | None) -> Caller:
    """The caller of a request, or ApiError: 401 without valid credentials; 400 for an account
    in several schools without `?school=`; 404 for a school the caller is not in."""
    header = request.headers.get("Authorization", "")
    scheme, _space, credential = header.partition(" ")
    scheme, credential = scheme.lower(), credential.strip()
    if scheme == "bearer" and credential:
        holder = await context.api_keys.holder(credential)
        if holder is None:
            raise unauthorized()
        if school is not None and school != holder.school_key:
            raise ApiError(404, _("No school '{school}' for this key.").format(school=school))
        return Caller(
            holder.school_id, holder.school_key, holder.timezone, holder.label, is_school=True
        )
    if scheme == "tma" and credential:
        now = context.services.clock.now().timestamp()
        asked = accepted(request.headers.get("Accept-Language"))

        def verify() -> SignedIn:
            return context.init_data.verify(
                credential,
                context.auth_max_age,
                now,
                lambda raw: check_init_data(raw, context.bot_token, context.auth_max_age, now),
            )

        try:
            me = verify()
        except ApiError:
            # refused in the words the Mini App's page speaks: its client's language (the
            # page shows the refusal beside its own texts), else what the browser asks for
            set_language(pick_language(claimed_language(credential), *asked))
            verify()  # a refusal is never remembered: the same check refuses again, in them
            raise
        # the Mini App's answers (and error messages) in the account's language
        languages = context.services.languages
        set_language(await languages.for_update(me.telegram_id, me.client_language, asked))
        return _person(await context.services.directory.identities(me.telegram_id), school)
    raise unauthorized()


def _person(identities: list[Identity], school: str | None) -> Caller:
    if not identities:
        raise forbidden(_("This Telegram account is not linked to a school yet."))
    keys = sorted({i.school.key for i in identities})
    if school is None:
        if len(keys) > 1:
            raise bad_request(
                _("This account is in several schools ({schools}): add ?school=KEY.").format(
                    schools=", ".join(keys)
                ),
                [{"path": "school", "message": _("required for an account in several schools")}],
            )
        school = keys[0]
    mine = [i for i in identities if i.school.key == school]
    if not mine:
        raise ApiError(404, _("No school '{school}' for this account.").format(school=school))
    roles: dict[Role, Identity] = {}
    for identity in mine:
        roles.setdefault(identity.role, identity)
    first = mine[0]
    label = f"tg:{first.name}"
    return Caller(first.school.id, first.school.key, first.school.timezone, label, roles)
