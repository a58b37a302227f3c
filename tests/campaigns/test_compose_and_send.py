"""An animator composes a campaign, previews it (headcount, samples), test-sends it, sends it; it
reaches exactly its audience, in each member's language, once."""

from __future__ import annotations

from campaign_helpers import compose, make_animator, people, send_now  # noqa: F401 (fixture)


async def test_an_animator_composes_previews_tests_and_sends(app, memory, people, clock):
    anim_id = await people.add("Anim", venue="hangar", user_id="animator")
    await make_animator(app, anim_id)
    await people.add("Ana", venue="fabrique", offers=["3d-printing"], user_id="ana")
    await people.add("Bob", venue="hangar", offers=["3d-printing"], user_id="bob", locale="en")
    await people.add("Cléo", venue="hangar", offers=["web-development"], user_id="cleo")
    await people.add("Dan", venue="hangar", offers=["3d-printing"], user_id="dan", visibility="private")
    animator = memory.user("animator", "Anim")

    preview = await compose(animator, poll="Je viens / Peut-être / Non", audience="propose: impression 3d")
    text = preview[0].text
    assert "2 membres : 2 le recevront maintenant, 0 après les heures calmes" in text, text
    assert "qui proposent : Impression 3D" in text
    samples = [r.text for r in preview[1:]]
    assert len(samples) == 2  # one French reader, one English reader in the audience
    assert "Voici 2 exemples de ce que liront les membres" in text, "as many as are shown"
    assert "Portes ouvertes" in samples[0] and "tu proposes Impression 3D à La Fabrique" in samples[0]
    assert "Open day" in samples[1] and "you offer 3D printing at Le Hangar" in samples[1]

    await animator.press("M'envoyer un test")
    await app.dispatcher.drain()
    [test] = memory.to_user("animator")
    assert test.text.startswith("[TEST") and "Portes ouvertes" in test.text

    await animator.press("Envoyer")
    assert "C'est parti" in animator.text
    assert await send_now(app) == 2
    [to_ana] = memory.to_user("ana")
    [to_bob] = memory.to_user("bob")
    assert "Portes ouvertes" in to_ana.text and "Tu reçois ce message car tu proposes Impression 3D" in to_ana.text
    assert "Open day" in to_bob.text and "You receive this because you offer 3D printing" in to_bob.text
    assert [b.label for b in to_ana.reply.all_buttons()] == ["Je viens", "Peut-être", "Non", "Plus de campagnes"]
    assert memory.to_user("cleo") == [] and memory.to_user("dan") == [], "not offering it, or a private profile"

    assert await send_now(app) == 0, "a sent campaign is not sent again"
    assert len(memory.to_user("ana")) == 1


async def test_the_flow_in_english_with_a_link_and_a_typo_in_the_audience(app, memory, people):
    anim_id = await people.add("Anim", venue="hangar", user_id="animator", locale="en")
    await make_animator(app, anim_id)
    await people.add("Bob", venue="hangar", needs=["3d-printing"], user_id="bob", locale="en")
    await people.add("Ana", venue="hangar", needs=["3d-printing"], user_id="ana", locale="fr")
    animator = memory.user("animator", "Anim", language="en")
    await animator.send("/campaign")
    await animator.press("Skip")
    assert "need at least one language" not in animator.text
    await animator.send("Who needs a 3D printer this week?")
    await animator.press("A link")
    assert "doesn't look like a link" in (await animator.send("not a link"))[0].text
    await animator.send("https://lafabrique.example/printers")
    await animator.press("That's it")
    assert "don't know the filter" in (await animator.send("planet: mars"))[0].text
    await animator.send("needs: 3d printing ; language: en")
    preview = await animator.press("Now")
    assert "1 member: 1 will receive it now" in preview[0].text, preview[0].text
    assert "who need: 3D printing" in preview[0].text and "languages: English" in preview[0].text
    assert "Here is a sample of what members will read" in preview[0].text, "one reader: one sample, said so"
    await animator.press(animator.find_button("Send", preview))
    assert "Off it goes" in animator.text
    await send_now(app)
    [to_bob] = memory.to_user("bob")
    assert to_bob.text.startswith("Who needs a 3D printer") and "you are looking for 3D printing at Le Hangar" in to_bob.text
    assert to_bob.reply.all_buttons()[0].url == "https://lafabrique.example/printers"
    assert memory.to_user("ana") == []


async def test_the_preview_names_venues_and_kinds_as_people_say_them(app, memory, people):
    """The preview read "lieux : la-fabrique, le-hangar": the slugs, where a person expects names."""
    anim_id = await people.add("Anim", venue="hangar", user_id="animator")
    await make_animator(app, anim_id)
    await people.add("Ana", venue="fabrique", offers=["3d-printing"], user_id="ana")
    animator = memory.user("animator", "Anim")
    preview = await compose(animator, audience="lieu: La Fabrique, hangar ; type: tiers-lieu, partenaire")
    assert "• lieux : La Fabrique, Le Hangar\n" in preview[0].text, preview[0].text
    assert "• types de lieu : tiers-lieu, partenaire\n" in preview[0].text
