"""Issue 17: "I can't make it" after both said yes, and "skip next round" on the follow-up."""

from __future__ import annotations

from bot.matchmaking.run import prepare, run_round
from bot.types import Button
from jobs.matchmaking import housekeeping
from tests.matchmaking.followup_kit import button, introductions, pair, prefs, revealed


async def test_cant_make_it_tells_the_partner_once_kindly_and_both_get_priority(app, net, clock):
    ana, hugo, ana_reveal, hugo_reveal = await revealed(app, net, clock)
    # On both platforms' renderings: French on Telegram, English on Discord.
    assert button(ana_reveal, "Finalement, je ne pourrai pas") and button(hugo_reveal, "I can't make it")
    before = len(hugo.inbox())
    [noted] = await ana.user.press(button(ana_reveal, "Finalement, je ne pourrai pas"))
    assert "noté" in noted.text and "premier·es" in noted.text
    await app.dispatcher.drain()
    [told] = hugo.inbox()[before:]
    assert told.text.startswith("Ana can't make it after all") and "first" in told.text
    assert "why" not in told.text.lower() and "reason" not in told.text.lower()
    # Twice: polite, nothing sent again.
    [again] = await ana.user.press(button(ana_reveal, "Finalement, je ne pourrai pas"))
    assert "déjà noté" in again.text
    await app.dispatcher.drain()
    assert len(hugo.inbox()) == before + 1
    # Hugo presses too: noted, and Ana (who withdrew) is not told anything.
    ana_count = len(ana.inbox())
    [hugo_noted] = await hugo.user.press(button(hugo_reveal, "I can't make it"))
    assert "Nobody was still expecting this meeting" in hugo_noted.text  # not "I've told them": nobody is
    await app.dispatcher.drain()
    assert len(ana.inbox()) == ana_count
    [intro] = await introductions(app)
    assert intro.status == "revealed" and all(s.withdrawn_at is not None for s in intro.members)
    assert (await prefs(app, ana.id)).priority and (await prefs(app, hugo.id)).priority
    # No "did you meet?" about a meeting that will not happen.
    clock.advance(days=7, hours=1)
    counts = await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert counts["sent"] == 0 and counts["skipped"] == 2
    assert not ana.inbox("pu vous voir") and not hugo.inbox("Did you get to meet")


async def test_cant_make_it_after_the_follow_up_window_sends_nothing(app, net, clock):
    ana, hugo, ana_reveal, _ = await revealed(app, net, clock)
    clock.advance(days=app.config.matchmaking.follow_up_days, minutes=1)
    before = len(hugo.inbox())
    [late] = await ana.user.press(button(ana_reveal, "Finalement, je ne pourrai pas"))
    assert "rien n'a été envoyé" in late.text
    await app.dispatcher.drain()
    assert len(hugo.inbox()) == before
    [intro] = await introductions(app)
    assert all(s.withdrawn_at is None for s in intro.members)


async def test_cant_make_it_by_a_stranger_or_before_any_reveal_changes_nothing(app, net, clock):
    ana, hugo = await pair(net)
    eve = await net.member("Eve", "moulin", opt_in=False)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [intro] = await introductions(app)
    [not_yet] = await ana.user.press(Button("x", "mm.cant", str(intro.id)))
    assert "plus en cours" in not_yet.text
    [stranger] = await eve.user.press(Button("x", "mm.cant", str(intro.id)))
    assert "ne te concerne pas" in stranger.text
    await app.dispatcher.drain()
    assert len(hugo.inbox()) == 1


async def test_skip_next_round_leaves_the_member_out_of_that_round_only(app, net, clock):
    ana, hugo, _, _ = await revealed(app, net, clock)
    clock.advance(days=7, hours=1)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    [follow_up] = ana.inbox("pu vous voir")
    before = len(ana.user.adapter.sent)
    [noted] = await ana.user.press(button(follow_up, "Pas la prochaine fois"))
    assert "pas de mise en relation au prochain tour" in noted.text
    [again] = await ana.user.press(button(follow_up, "Pas la prochaine fois"))
    assert "déjà noté" in again.text
    await app.dispatcher.drain()
    assert len(ana.user.adapter.sent) == before  # no extra message: the presses' answers only
    assert (await prefs(app, ana.id)).skip_next
    # The next round both are due in: Ana is left out, Hugo finds nobody else; the dry-run changes nothing.
    clock.advance(days=7)
    async with app.db.read_session() as session:
        prepared = await prepare(session, app.config, clock.now())
    assert prepared.pool.skipped == [ana.id]
    assert ana.id not in {c.member_id for c in prepared.pool.candidates}
    assert (await prefs(app, ana.id)).skip_next
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.status == "ran" and outcome.introductions == 0
    assert not (await prefs(app, ana.id)).skip_next  # used up by that round
    # The round after: Ana is a candidate again.
    clock.advance(days=7)
    async with app.db.read_session() as session:
        prepared = await prepare(session, app.config, clock.now())
    assert ana.id in {c.member_id for c in prepared.pool.candidates} and prepared.pool.skipped == []


async def test_skip_pressed_by_a_stranger_is_refused(app, net, clock):
    ana, hugo, _, _ = await revealed(app, net, clock)
    eve = await net.member("Eve", "moulin")
    [intro] = await introductions(app)
    [refused] = await eve.user.press(Button("x", "mm.skip", str(intro.id)))
    assert "ne te concerne pas" in refused.text
    assert (await prefs(app, eve.id)) is None or not (await prefs(app, eve.id)).skip_next


async def test_skip_next_round_stays_on_the_follow_up_after_each_answer_until_pressed(app, net, clock):
    ana, hugo, _, _ = await revealed(app, net, clock)
    clock.advance(days=7, hours=1)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    [follow_up] = ana.inbox("pu vous voir")
    [hugo_follow_up] = hugo.inbox("Did you get to meet")
    # "Not yet" and "no" edit the follow-up: the skip row is still there.
    [not_yet] = await ana.user.press(follow_up.reply.all_buttons()[1])
    assert button(not_yet, "Pas la prochaine fois")
    [no] = await ana.user.press(follow_up.reply.all_buttons()[2])
    assert button(no, "Pas la prochaine fois")
    # "Yes" offers the feedback, with the skip row under it; pressed, it is gone from the next edit.
    [yes] = await hugo.user.press(hugo_follow_up.reply.all_buttons()[0])
    skip = button(yes, "Skip next round")
    assert button(yes, "Add a note for the animators")
    await hugo.user.press(skip)
    assert (await prefs(app, hugo.id)).skip_next
    [yes_again] = await hugo.user.press(hugo_follow_up.reply.all_buttons()[0])
    assert "mm.skip" not in {b.action for b in yes_again.all_buttons()}
