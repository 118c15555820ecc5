"""What every handler needs: the core services and who the Telegram user is, per school."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from core.directory import Identity, Role
from core.services import Services
from handlers.presence import reached_again

SERVICES = "services"
SETTINGS = "settings"
NOTIFY = "notify"  # optional: the scheduler's notifier, when running
API_URLS = "api_urls"  # (token, base_url, base_file_url) the application was built with


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES]  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Who:
    """Every role the Telegram account holds, in every school."""

    telegram_id: int
    identities: tuple[Identity, ...]

    def roles(self, role: Role) -> list[Identity]:
        return [i for i in self.identities if i.role is role]

    def role_in(self, role: Role, school_id: int) -> Identity | None:
        """This account's identity of that role in that school, or None: the tenancy check."""
        for identity in self.identities:
            if identity.role is role and identity.school.id == school_id:
                return identity
        return None

    @property
    def is_known(self) -> bool:
        return bool(self.identities)

    @property
    def is_admin(self) -> bool:
        return bool(self.roles(Role.ADMIN))

    @property
    def is_teacher(self) -> bool:
        return bool(self.roles(Role.TEACHER))

    @property
    def is_parent(self) -> bool:
        return bool(self.roles(Role.PARENT))


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who:
    """Every role of the update's user (one round trip). A parent marked blocked who writes
    is reachable again: the mark is cleared in the background (handlers.presence)."""
    user = update.effective_user
    if user is None:
        return Who(0, ())
    services = services_of(context)
    identities = await services.directory.identities(user.id)
    if any(i.blocked for i in identities):
        reached_again(update, context, services, user.id)
    return Who(user.id, tuple(identities))
