"""Campaigns in the chat: /campaign (/campagne) to compose, preview, test, schedule and manage;
the buttons members press under a campaign; /notifications for what each member accepts."""

from __future__ import annotations

from bot.campaigns import personal
from bot.campaigns.chat import answers, compose, notifications
from bot.campaigns.chat.common import FLOW
from bot.campaigns.chat.manage import campaign_command
from bot.registry import Access, Registry, Where


def register(registry: Registry) -> None:
    registry.command("campaign", fr="campagne", summary="campaigns.summary", args="campaigns.args",
                     access=Access.HOST, where=Where.PRIVATE, section="animators", order=60)(campaign_command)
    registry.command("notifications", fr="notifications", summary="campaigns.notifications.summary",
                     args="campaigns.notifications.args", access=Access.MEMBER, where=Where.PRIVATE,
                     section="profile", order=45)(notifications.notifications_command)
    registry.flow(FLOW)(compose.typed)
    for name, handler in (("cp.skip", compose.skip_pressed), ("cp.btn", compose.button_pressed),
                          ("cp.ev", compose.event_pressed), ("cp.me", compose.me_pressed),
                          ("cp.all", compose.everyone_pressed), ("cp.now", compose.now_pressed),
                          ("cp.edit", compose.edit_pressed), ("cp.test", compose.test_pressed),
                          ("cp.go", compose.go_pressed), ("cp.keep", compose.keep_pressed),
                          ("cp.drop", compose.drop_pressed)):
        registry.action(name, access=Access.HOST)(handler)
    for name, handler in (("cp.a", answers.poll_pressed), ("cp.i", answers.interested_pressed),
                          ("cp.x", answers.stop_pressed), ("cp.iy", answers.introduce_pressed),
                          ("cp.in", answers.decline_pressed), ("nt.m", notifications.mute_pressed),
                          ("nt.p", notifications.pause_pressed), ("nt.b", notifications.budget_pressed), ("nt.w", notifications.weekends_pressed)):
        registry.action(name, access=Access.MEMBER)(handler)
    registry.listen("member_joined")(answers.joined_chat)
    registry.holds_personal_data("campaigns", export=personal.export, erase=personal.erase)
