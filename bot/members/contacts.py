"""How to reach a member, written for a reader on a given platform: revealed only after both accept.

`contact_card(session, member, for_platform)` lists the member's identities, the reader's platform
first (so two Telegram users get each other's @username), then the others (a Discord user learns
how to find a Telegram user there, and the reverse). Nothing here decides *whether* to reveal a
contact: callers (accepted introductions, accepted matches) do, after a double opt-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from storage.models import Identity, Member

PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord"}


@dataclass(frozen=True)
class ContactPart:
    """One way to reach the member: an account on one platform."""

    platform: str
    user_id: str
    handle: str | None
    display_name: str
    same_platform: bool  # on the reader's own platform

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.platform, self.platform.capitalize())

    def text(self, t: Translator) -> str:
        """One line, e.g. "Telegram : @ana" or "Discord : ana_b"."""
        if self.platform == "telegram":
            if self.handle:
                return t("intro_requests.contact.handle", platform=self.platform_name, handle="@" + self.handle.lstrip("@"))
            # No public username: a tg:// link opens the profile in every Telegram app.
            return t("intro_requests.contact.telegram_link", platform=self.platform_name, name=self.display_name,
                     link=f"tg://user?id={self.user_id}")
        if self.handle:
            return t("intro_requests.contact.handle", platform=self.platform_name, handle=self.handle)
        return t("intro_requests.contact.user_id", platform=self.platform_name, name=self.display_name,
                 user_id=self.user_id)


async def contact_card(session: AsyncSession, member: Member, for_platform: str) -> list[ContactPart]:
    """Every account of `member`, the one on `for_platform` first; empty if they have none."""
    rows = (await session.execute(select(Identity).where(Identity.member_id == member.id)
                                  .order_by(Identity.last_seen_at.desc(), Identity.id))).scalars()
    parts = [ContactPart(i.platform, i.platform_user_id, i.handle, i.display_name or member.display_name,
                         i.platform == for_platform) for i in rows]
    return sorted(parts, key=lambda part: not part.same_platform)  # stable: recent first within each


def contact_lines(parts: list[ContactPart], t: Translator) -> str:
    """The card as text, one account per line (or a line saying there is none)."""
    if not parts:
        return t("intro_requests.contact.none")
    return "\n".join(part.text(t) for part in parts)
