"""Hostile names and bios (HTML, markdown, @everyone, bidi overrides, zero-width characters, 5,000
characters) go through the real core and both platforms' renderers: shown literally, never markup,
split under each platform's limits, buttons valid for discord.py (issue 18.12)."""

from __future__ import annotations

from html.parser import HTMLParser

from adapters.discord.convert import message_kwargs, render as discord_render
from adapters.telegram.convert import render as telegram_render

HOSTILE_NAME = "<b>Léa</b> *gras* @everyone \u202eevil\u202c \u200b[x](javascript:alert(1))"
HOSTILE_BIO = ("<script>alert('x')</script> &amp; <i>not italic</i> **bold** __u__ `code` @here <@123> "
               "\u2067rtl\u2069 \u200d\u200b\ufeff ") * 60  # a little over 5,000 characters
TELEGRAM_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler"}


class StrictTelegramHTML(HTMLParser):
    """Telegram's HTML: only its own tags, every one closed; collects the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, f"<{tag}> would be refused by Telegram (400)"
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"

    def handle_data(self, data):
        self.text.append(data)


def visible(chunk: str) -> str:
    parser = StrictTelegramHTML()
    parser.feed(chunk)
    parser.close()
    assert parser.open == [], f"unclosed {parser.open}"
    return "".join(parser.text)


def check_both_platforms(replies) -> tuple[str, str]:
    """Every reply rendered for Telegram and Discord within their limits; the text each shows."""
    telegram_seen, discord_seen = [], []
    for reply in replies:
        rendered = telegram_render(reply)
        for chunk in rendered.chunks:
            text = visible(chunk)
            assert len(text.encode("utf-16-le")) // 2 <= 4096, "over Telegram's 4,096 characters"
            telegram_seen.append(text)
        for out in discord_render(reply):
            assert len(out.content) <= 2000, "over Discord's 2,000 characters"
            kwargs = message_kwargs(out)  # builds discord.py's View: labels and ids validated
            assert kwargs["allowed_mentions"].everyone is False and not kwargs["allowed_mentions"].users
            discord_seen.append(out.content)
    return "\n".join(telegram_seen), "\n".join(discord_seen)


async def test_a_hostile_name_is_shown_literally_on_both_platforms(app, memory, people):
    await people.add(HOSTILE_NAME[:100], offers=["3d-printing"], bio=HOSTILE_BIO)
    kim = memory.user("kim", "Kim", language="en")
    await people.add("Kim", user_id="kim", locale="en")
    found = await kim.send("/find 3d printing")
    telegram, discord = check_both_platforms(found)
    assert "<b>Léa</b> *gras* @everyone" in telegram and "<script>alert('x')</script>" in telegram
    assert "@everyone" not in discord.replace("@\u200beveryone", "")  # inert on Discord
    assert "\\*gras\\*" in discord  # markdown escaped: shown as typed
    [ask] = [button for reply in found for button in reply.all_buttons() if "Léa" in button.label]
    prompt = await kim.press(ask)  # the request flow names her in its question
    telegram, _ = check_both_platforms(prompt)
    assert "<b>Léa</b> *gras* @everyone" in telegram


async def test_a_bio_of_5000_characters_is_split_under_each_limit_and_nothing_is_lost(app, memory, people):
    await people.add(HOSTILE_NAME[:100], offers=["3d-printing"], bio=HOSTILE_BIO, user_id="lea")
    profile = await memory.user("lea", "Léa").send("/profil")
    assert sum(len(reply.text) for reply in profile) > 5000
    telegram, discord = check_both_platforms(profile)
    assert telegram.count("<script>alert('x')</script>") == 60  # every copy, in order, across the chunks
    assert discord.count("<script>alert('x')</script>") == 60
