"""The widest campaign a composer allows, as each platform would post it: every button fits.

A campaign can carry a link, an event's RSVP, four poll answers, "I'm interested" and the stop
button, with ids in the billions after years of use. Telegram drops a button whose callback data
is over 64 bytes (the keyboard would silently lose an answer) and Discord refuses a message whose
custom_id is over 100 characters or label over 80, or with more than five rows of buttons.
"""

from __future__ import annotations

import pytest

from adapters.discord.convert import message_kwargs, render as discord_render
from adapters.discord.views import TEMPLATE
from adapters.telegram.convert import render as telegram_render
from bot.campaigns.chat.compose import MAX_TEXT
from bot.campaigns.render import POLL_LABEL_MAX, chat_message, member_message
from bot.i18n import Translator
from bot.types import Button
from storage.models.campaigns import Campaign

BIG_ID = 2_147_483_000  # near PostgreSQL's int4 limit: the widest id a payload carries


def widest_campaign() -> Campaign:
    poll = [("Réponse très longue numéro %d — ça déborde largement" % i)[:POLL_LABEL_MAX + 15] for i in range(4)]
    return Campaign(id=BIG_ID, text_fr="é" * MAX_TEXT, text_en="e" * MAX_TEXT, link_url="https://example.org/" + "a" * 400,
                    poll=poll, interested=True, event_id=BIG_ID)


def neutral_buttons(reply) -> list[Button]:
    return [button for row in reply.buttons for button in row]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_button_of_the_widest_member_message_survives_telegram(locale):
    reply = member_message(widest_campaign(), Translator(locale), reason="tu fais partie du Hangar")
    keyboard = telegram_render(reply).keyboard
    posted = [button for row in keyboard.inline_keyboard for button in row]
    assert len(posted) == len(neutral_buttons(reply)) == 8, "link, RSVP, four answers, interested, stop"
    for button in posted:
        assert button.url or len(button.callback_data.encode()) <= 64
        if button.callback_data:
            action, payload = Button.parse(button.callback_data)
            assert (action, payload) in {(b.action, b.payload) for b in neutral_buttons(reply)}
            if action == "cp.a":
                assert 0 < len(button.text) <= POLL_LABEL_MAX, "a poll answer readable on a phone"


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_every_button_of_the_widest_member_message_survives_discord(locale):
    reply = member_message(widest_campaign(), Translator(locale), reason="you belong to Le Hangar")
    messages = discord_render(reply)
    assert all(len(m.content) <= 2000 for m in messages)
    components = [row for m in messages for row in (message_kwargs(m).get("view").to_components()
                                                    if message_kwargs(m).get("view") else [])]
    assert all(len(message_kwargs(m)["view"].to_components()) <= 5 for m in messages if message_kwargs(m).get("view"))
    posted = [c for row in components for c in row["components"]]
    assert len(posted) == 8
    wanted = {(b.action, b.payload) for b in neutral_buttons(reply) if not b.url}
    seen = set()
    for component in posted:
        assert 0 < len(component["label"]) <= 80
        if "url" in component:
            continue
        assert len(component["custom_id"]) <= 100
        match = TEMPLATE.fullmatch(component["custom_id"])
        seen.add((match["action"], match["payload"]))
    assert seen == wanted, "every answer reads back as the button the core made"


def test_a_chat_announcement_carries_no_personal_button():
    reply = chat_message(widest_campaign(), Translator("fr"), network="Réseau Test")
    actions = {b.action for b in neutral_buttons(reply)}
    assert actions == {"", "rsvp"}, "answers, interest and opt-out are personal: they go by DM"
    assert telegram_render(reply).keyboard is not None
