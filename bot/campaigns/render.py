"""A campaign as a member reads it: the text in their language (the other one as fallback), why they
receive it, and its buttons (a link, the event's RSVP, poll answers, "I'm interested", and always a
one-tap "no more campaigns")."""

from __future__ import annotations

from bot.i18n import Translator
from bot.types import Button, Reply
from storage.models.campaigns import Campaign

POLL_LABEL_MAX = 40  # a button label people can read on a phone


def text_in(campaign: Campaign, locale: str) -> str:
    first, second = (campaign.text_en, campaign.text_fr) if locale == "en" else (campaign.text_fr, campaign.text_en)
    return first or second


def member_message(campaign: Campaign, t: Translator, reason: str, *, test: bool = False) -> Reply:
    """The DM one member gets (`test`: the animator's own copy, marked as such)."""
    text = text_in(campaign, t.locale)
    footer = t("campaigns.message.why", reason=reason)
    body = f"{text}\n\n{footer}"
    if test:
        body = t("campaigns.message.test_banner") + "\n\n" + body
    return Reply(body, buttons=buttons(campaign, t, stop=True))


def chat_message(campaign: Campaign, t: Translator, network: str) -> Reply:
    """The announcement posted in a bound chat: no personal buttons (answers and opt-outs are DMs)."""
    body = text_in(campaign, t.locale) + "\n\n" + t("campaigns.message.chat_footer", network=network)
    return Reply(body, buttons=buttons(campaign, t, stop=False, personal=False))


def buttons(campaign: Campaign, t: Translator, *, stop: bool, personal: bool = True) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = []
    if campaign.link_url:
        rows.append((Button(t("campaigns.button.link"), "", url=campaign.link_url),))
    if campaign.event_id is not None:
        rows.append((Button(t("events.rsvp.going_button"), "rsvp", f"{campaign.event_id}:y"),))
    if personal:
        for index, option in enumerate(campaign.poll or []):
            rows.append((Button(option[:POLL_LABEL_MAX], "cp.a", f"{campaign.id}:{index}"),))
        if campaign.interested:
            rows.append((Button(t("campaigns.button.interested"), "cp.i", str(campaign.id)),))
    if stop:
        rows.append((Button(t("campaigns.button.stop"), "cp.x", str(campaign.id)),))
    return tuple(rows)
