"""Neutral buttons as Discord components, and the form that collects an answer in a server.

Every action button is one `ActionButton`, a `DynamicItem` whose custom_id carries the neutral
`action:payload` (`maillage:<action>:<payload>`). discord.py matches incoming presses against the
template, not against views kept in memory, so a button posted before a restart still works after
it. The press goes to the core as a `ButtonPressed`; the core re-checks every right, since a
custom_id can be forged like any client input.

`AnswerForm` is the modal that stands in for "type your next message" inside a server, where the
bot cannot read messages (no message-content intent): the person presses "Answer", types in the
form, and the text reaches the core's conversation like a DM would.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.types import Button

if TYPE_CHECKING:
    from adapters.discord.handlers import Handlers

log = logging.getLogger(__name__)

PREFIX = "maillage"
TEMPLATE = re.compile(r"maillage:(?P<action>[a-z0-9_.]+):(?P<payload>.*)", re.DOTALL)
ANSWER_ACTION = "discord.answer"  # handled here, never sent to the core (core actions have no dot prefix)
MAX_ANSWER = 4000  # Discord's limit for a text input


def custom_id(action: str, payload: str = "") -> str:
    return f"{PREFIX}:{action}:{payload}"


def _handlers(interaction: discord.Interaction) -> "Handlers | None":
    return getattr(interaction.client, "maillage", None)


MAX_LABEL = 80


def label(text: str) -> str:
    """A button label on one line, cut with an ellipsis to Discord's limit."""
    text = " ".join(text.split())
    return (text[:MAX_LABEL - 1] + "…") if len(text) > MAX_LABEL else (text or "…")


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=TEMPLATE):
    """A neutral `Button` with an action, rebuilt from its custom_id whenever it is pressed."""

    def __init__(self, action: str, payload: str = "", text: str = "…", *,
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary, row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label(text), style=style, custom_id=custom_id(action, payload)),
                         row=row)
        self.action = action
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> "ActionButton":
        return cls(match["action"], match["payload"], getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        handlers = _handlers(interaction)
        if handlers is None:  # pressed while the adapter is stopping
            return
        if self.action == ANSWER_ACTION:
            await handlers.open_answer_form(interaction)
        else:
            await handlers.on_button(interaction, self.action, self.payload)


def build_view(rows: tuple[tuple[Button, ...], ...]) -> discord.ui.View | None:
    """Components for packed rows (see convert.pack_rows); None when there are no buttons.

    Discord refuses two components with the same custom_id in one message: a repeated
    action:payload keeps its first button only.
    """
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    seen: set[str] = set()
    for index, row in enumerate(rows):
        for button in row:
            if button.url:
                view.add_item(discord.ui.Button(label=label(button.label), url=button.url, row=index))
                continue
            key = custom_id(button.action, button.payload)
            if key in seen:
                log.warning("dropping a second button with custom_id %r in one message", key)
                continue
            seen.add(key)
            view.add_item(ActionButton(button.action, button.payload, button.label, row=index))
    return view


class AnswerForm(discord.ui.Modal):
    """One text field; its submission is the next answer of the person's conversation."""

    def __init__(self, title: str, field_label: str, *, interaction_id: int) -> None:
        # A custom_id per opening: two people answering at once must not share a form.
        super().__init__(title=title[:45], timeout=900, custom_id=f"{PREFIX}-answer:{interaction_id}")
        self.answer: discord.ui.TextInput = discord.ui.TextInput(
            label=field_label[:45], style=discord.TextStyle.paragraph, max_length=MAX_ANSWER)
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        handlers = _handlers(interaction)
        if handlers is not None:
            await handlers.on_answer(interaction, self.answer.value or "")
