"""The follow-up buttons as both platforms draw them: the reveal's "I can't make it", the follow-up's
"skip next round" on its own row, the feedback's three buttons (Telegram inline keyboard, Discord
components), every callback inside the platforms' limits."""

from __future__ import annotations

from adapters.discord.views import build_view
from adapters.telegram.convert import render
from tests.matchmaking.followup_kit import button, revealed
from jobs.matchmaking import housekeeping


async def test_the_new_buttons_render_on_telegram_and_discord(app, net, clock):
    ana, hugo, ana_reveal, hugo_reveal = await revealed(app, net, clock)
    clock.advance(days=7, hours=1)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    [follow_up] = ana.inbox("pu vous voir")
    [thanks] = await ana.user.press(button(follow_up, "Oui"))
    for reply, rows in ((ana_reveal.reply, [["Finalement, je ne pourrai pas"]]),
                        (follow_up.reply, [["Oui", "Pas encore", "Non"], ["Pas la prochaine fois"]]),
                        (thanks, [["Je la reverrais", "Je ne la reverrais pas"], ["Un mot pour les animateurs"],
                                  ["Pas la prochaine fois"]]),
                        (hugo_reveal, [["I can't make it"]])):
        keyboard = render(reply).keyboard
        assert [[b.text for b in line] for line in keyboard.inline_keyboard] == rows
        assert all(len(b.callback_data.encode()) <= 64 for line in keyboard.inline_keyboard for b in line)
        view = build_view(reply.buttons)
        assert [item.item.label for item in view.children] == [label for row in rows for label in row]
        assert all(len(item.item.custom_id) <= 100 for item in view.children)
