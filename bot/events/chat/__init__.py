"""Events in the chat: /event (create, edit, cancel), /agenda, /myevents, RSVP buttons.

The domain logic lives in `bot.events` (shared with the jobs and the feed importer); this package is
the conversation and the buttons. Modules: `create` (the guided flow), `manage` (publish, edit,
cancel, /myevents), `lookalike_answer` (publishing what the programme already has), `agenda`, `rsvp_buttons`,
`personal` (what /mydata and /forget see).
"""

from __future__ import annotations

from bot.registry import Access, Registry, Where
from bot.events.chat import agenda, create, lookalike_answer as duplicate, manage, rsvp_buttons as rsvp
from bot.events import personal
from bot.events.chat.draft import FLOW


def register(registry: Registry) -> None:
    registry.command("event", fr="evenement", summary="events.summary.event", args="events.args.event",
                     access=Access.HOST, where=Where.PRIVATE, section="hosts", order=1)(manage.event_command)
    registry.command("agenda", fr="programme", summary="events.summary.agenda", args="events.args.agenda",
                     section="events", order=1)(agenda.agenda)
    registry.command("events", fr="evenements", summary="events.summary.events", args="events.args.agenda",
                     section="events", order=2, in_help=False)(agenda.agenda)
    registry.command("myevents", fr="mesevenements", summary="events.summary.myevents", access=Access.MEMBER,
                     where=Where.PRIVATE, section="events", order=3)(manage.myevents)
    registry.flow(FLOW)(duplicate.on_text)
    # Conversation buttons: they act only inside the presser's own /event conversation.
    for name, handler in (("ev.skip", create.skip_pressed), ("ev.venue", create.venue_pressed),
                          ("ev.vdone", create.venues_done), ("ev.tag", create.tag_pressed),
                          ("ev.tdone", create.tags_done), ("ev.edit", create.edit_menu),
                          ("ev.field", create.field_pressed), ("ev.back", create.back_pressed),
                          ("ev.drop", create.drop_pressed), ("ev.pub", manage.publish_pressed),
                          ("ev.pubf", manage.publish_anyway_pressed), ("ev.dupco", duplicate.cohost_pressed),
                          ("ev.cont", create.continue_pressed), ("ev.new", manage.restart_pressed)):
        registry.action(name, access=Access.HOST)(handler)
    # Managing a published event: rights on that event are re-checked in the handlers.
    registry.action("ev.ed", access=Access.HOST)(manage.edit_pressed)
    registry.action("ev.cx", access=Access.HOST)(manage.cancel_pressed)
    registry.action("ev.cxy", access=Access.HOST)(manage.cancel_confirmed)
    registry.action("ev.cxn", access=Access.HOST)(manage.cancel_kept)
    registry.action("ev.show")(agenda.show_event)
    registry.action("ag")(agenda.agenda_pressed)
    registry.action("ag.v")(agenda.venue_picker)
    registry.action("ag.t")(agenda.tag_picker)
    registry.action("rsvp", access=Access.MEMBER)(rsvp.rsvp_pressed)
    registry.holds_personal_data("events", export=personal.export, erase=personal.erase)
