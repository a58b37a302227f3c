"""/partner: declaring a partner, adding contacts by name (told by DM), kinds from the config,
/mydata and /forget for what the partners' capability stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.config import ConfigError
from storage.models import Role, Venue
from storage.models.hosts_partners import Opportunity, OpportunityInterest
from testkit import make_config
from tests_partners_helpers import post


async def test_animator_declares_an_e2c_and_adds_a_contact_by_name(app, memory, people):
    await people.add("Léa Bernard", user_id="10")
    animator = memory.user("animator")
    done = await animator.send("/partenaire nouveau e2c École de la 2e chance 44")
    assert "école de la seconde chance" in done[0].text
    added = await animator.send("/partenaire ajouter Léa Bernard ecole-de-la-2e-chance-44")
    assert "Léa Bernard est maintenant contact" in added[0].text
    await app.dispatcher.drain()
    [told] = memory.to_user("10")
    assert "/opportunite" in told.text
    listed = await memory.user("10").send("/partenaire liste")
    assert "École de la 2e chance 44 — école de la seconde chance" in listed[0].text and "Léa Bernard" in listed[0].text
    # a first name alone finds her too (console and Discord members have no @handle)
    again = await animator.send("/partenaire ajouter léa ecole-de-la-2e-chance-44")
    assert "déjà contact" in again[0].text
    removed = await animator.send("/partner remove Léa Bernard ecole-de-la-2e-chance-44")
    assert "n'est plus contact" in removed[0].text


async def test_members_cannot_manage_partners_and_bad_input_is_explained(app, memory, people):
    await people.add("Max", user_id="5")
    maxi = memory.user("5")
    assert "Seule l'équipe" in (await maxi.send("/partenaire nouveau e2c Truc"))[0].text
    animator = memory.user("animator")
    assert "Types :" in (await animator.send("/partenaire nouveau martien Truc"))[0].text
    assert "Je ne connais pas le partenaire" in (await animator.send("/partenaire ajouter Max hangar"))[0].text
    assert "aucun membre" in (await animator.send("/partenaire ajouter Personne universite"))[0].text
    assert "/partenaire liste" in (await animator.send("/partenaire danser"))[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(Role).where(Role.role == "partner"))).first() is None


def test_partner_kinds_come_from_the_config(sqlite_url):
    with pytest.raises(ConfigError) as error:
        make_config(sqlite_url, '[[venues]]\nslug = "e2c"\nname = "E2C"\nkind = "partner"\npartner_kind = "lycee"\n')
    assert any("venues[4].partner_kind" in line and "[partners] kinds" in line for line in error.value.problems)
    config = make_config(sqlite_url, '[partners]\nkinds = ["university", "lycee"]\n'
                         '[[venues]]\nslug = "e2c"\nname = "E2C"\nkind = "partner"\npartner_kind = "lycee"\n')
    assert "lycee" in config.partners.kinds
    with pytest.raises(ConfigError) as error:
        make_config(sqlite_url, '[partners]\nkinds = ["Bad Kind!"]\nmax_open_days = 0\nkindz = 1\n')
    lines = "\n".join(error.value.problems)
    assert "partners.kinds[0]" in lines and "partners.max_open_days" in lines and "partners.kindz: unknown key" in lines


async def test_mydata_and_forget_cover_opportunities_and_interest(app, memory, people):
    poster = await people.add("Paula", user_id="1")
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == "universite"))).scalar_one()
        session.add(Role(member_id=poster, role="partner", venue_id=venue_id))
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await post(memory.user("1"))
    await app.dispatcher.drain()
    [proposal] = memory.to_user("10")
    await memory.user("10").press(proposal.reply.all_buttons()[0])
    exported = await memory.user("10").send("/mesdonnees")
    document = json.loads(exported[0].attachment.content)
    assert document["opportunities"]["interested_in"][0]["title"] == "Stage prototypage, 3 mois"
    mine = json.loads((await memory.user("1").send("/mydata"))[0].attachment.content)
    assert mine["opportunities"]["posted"][0]["kind"] == "internship"
    # the poster forgets: the opportunity closes, Ana gets the neutral answer once
    paula = memory.user("1")
    await paula.send("/oublier")
    await paula.press("Oui")
    await app.dispatcher.drain()
    assert [d for d in memory.to_user("10") if "Pas de mise en relation" in d.text]
    async with app.db.session() as session:
        row = (await session.execute(select(Opportunity))).scalar_one()
        assert (row.status, row.posted_by_id) == ("closed", None)
        assert (await session.execute(select(OpportunityInterest.status))).scalar_one() == "cancelled"
    ana = memory.user("10")
    await ana.send("/oublier")
    await ana.press("Oui")
    async with app.db.session() as session:
        assert (await session.execute(select(OpportunityInterest.member_id))).scalar_one() is None
