"""The wall's pages, panels, API and widget over HTTP (Starlette, in-process, the real core)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.config import parse_config
from bot.config.wall import WallConfig
from storage.models import Venue
from storage.models.hosts_partners import Opportunity
from storage.models.wall import WallHidden
from testkit import T0
from wall_helpers import accepted_requests, client, event, show_on_wall


@pytest.fixture
def telegram_app(app):
    """The app with a Telegram user name, so QR codes and buttons have links."""
    from bot.config.platforms import TelegramConfig

    app.config = dataclasses.replace(app.config, telegram=TelegramConfig(username="maillage_bot"))
    return app


async def test_the_network_wall_has_every_panel_in_french(telegram_app, people):
    app = telegram_app
    await event(app, "Repair café", T0 + timedelta(hours=9), venues=("hangar", "fabrique"))
    await event(app, "Atelier laser", T0 + timedelta(days=3), venues=("fabrique",))
    await event(app, "Soirée jeux", T0 + timedelta(days=12))
    async with client(app) as http:
        response = await http.get("/wall")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for panel in ("join", "coming", "people", "skills", "intros", "map"):
        assert f'data-panel="{panel}"' in page
    assert "À venir dans le réseau" in page and "Aujourd'hui" in page and "Cette semaine" in page and "Plus tard" in page
    assert page.count("Repair café") == 1  # co-hosted by two venues, listed once
    assert "Le Hangar · La Fabrique" in page
    assert "https://t.me/maillage_bot" in page and "start=ev_" in page  # the RSVP deep links
    assert "<svg" in page and 'class="map"' in page and "Le Moulin" in page  # no coordinates: listed under the map
    # Self-contained: nothing fetched from elsewhere.
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert len(page.encode()) < 100_000


async def test_english_and_a_venue_wall_highlight_the_venue(app):
    await event(app, "Laser cutting", T0 + timedelta(hours=30), venues=("fabrique",))
    await event(app, "Coffee", T0 + timedelta(hours=31), venues=("hangar",))
    async with client(app) as http:
        page = (await http.get("/wall/fabrique?lang=en")).text
        missing = await http.get("/wall/nowhere")
    assert "Coming up across the network" in page and "Join La Fabrique" in page
    assert '<g class="venue here">' in page and "You are here: La Fabrique" in page
    assert page.index("Laser cutting") < page.index("Coffee")  # this venue's events first
    assert "/start " in page  # no Telegram user name configured: the code to type
    assert missing.status_code == 404


async def test_who_is_around_shows_only_consenting_members_by_first_name(app, people):
    shown = await people.add("Ana Martin", offers=["3d-printing"])
    await people.add("Bruno Secret", offers=["3d-printing"])  # never chose the wall
    await show_on_wall(app, shown)
    async with client(app) as http:
        data = (await http.get("/api/wall.json")).json()
        page = (await http.get("/wall")).text
    assert [p["name"] for p in data["people"]] == ["Ana"]
    assert data["people"][0]["venue"] == "Le Hangar" and data["people"][0]["offers"]
    assert "Martin" not in page and "Bruno" not in page and "Secret" not in page


async def test_skills_are_counted_from_shared_profiles_and_small_counts_are_hidden(app, people):
    for name in ("A", "B", "C"):
        await people.add(name, offers=["3d-printing"], needs=["accounting"] if name == "A" else ())
    await people.add("D", visibility="private", offers=["accounting"], needs=["accounting"])
    async with client(app) as http:
        data = (await http.get("/api/wall.json")).json()
        page = (await http.get("/wall")).text
    offered = {s["label"]: s["count"] for s in data["offered"]}
    needed = {s["label"]: s["count"] for s in data["needed"]}
    assert 3 in offered.values() and len(offered) == 1  # the private member's offer is not counted
    assert list(needed.values()) == [None]  # one member: "< 3"
    assert "&lt; 3" in page and "/chercher" in page


async def test_introductions_are_counts_and_venue_pairs_never_names(app, people):
    hangar = [await people.add(f"H{i}", venue="hangar") for i in range(4)]
    fabrique = [await people.add(f"F{i}", venue="fabrique") for i in range(4)]
    moulin = await people.add("Zoé", venue="moulin")
    await accepted_requests(app, list(zip(hangar, fabrique)), T0 - timedelta(days=2))
    await accepted_requests(app, [(hangar[0], moulin)], T0 - timedelta(days=20))
    async with client(app) as http:
        data = (await http.get("/api/wall.json")).json()
        page = (await http.get("/wall")).text
    assert data["intros_week"] == 4 and data["intros_month"] == 5
    assert data["pairs"] == [{"venues": ["La Fabrique", "Le Hangar"], "count": 4, "slugs": ["fabrique", "hangar"]}]
    assert "La Fabrique ↔ Le Hangar : 4" in page and "Le Moulin ↔" not in page  # one intro: not shown
    assert "Zoé" not in page and "H0" not in page


async def test_a_small_number_of_introductions_shows_as_less_than_three(app, people):
    a, b = await people.add("A", venue="hangar"), await people.add("B", venue="fabrique")
    await accepted_requests(app, [(a, b)], T0 - timedelta(days=1))
    async with client(app) as http:
        data = (await http.get("/api/wall.json")).json()
    assert data["intros_week"] is None and data["intros_month"] is None and data["pairs"] == []


async def test_cancelled_and_full_events_say_so_and_hidden_items_disappear(app, people):
    full = await event(app, "Atelier complet", T0 + timedelta(hours=5), capacity=0)
    await event(app, "Annulé hélas", T0 + timedelta(hours=6), status="cancelled")
    hidden = await event(app, "À cacher", T0 + timedelta(hours=7))
    await event(app, "Presque plein", T0 + timedelta(hours=8), capacity=3)
    member = await people.add("Camille")
    await show_on_wall(app, member)
    async with app.db.session() as session:
        session.add(WallHidden(item=f"event:{hidden}", hidden_by="test", created_at=T0))
        session.add(WallHidden(item=f"member:{member}", hidden_by="test", created_at=T0))
    async with client(app) as http:
        page = (await http.get("/wall")).text
        programme = (await http.get("/api/programme.json")).json()
    assert "Complet" in page and "Annulé" in page and 'class="event today cancelled"' in page
    assert "À cacher" not in page and "Camille" not in page
    assert "Plus que 3 places" in page
    assert [e["title"] for e in programme["events"]] == ["Atelier complet", "Annulé hélas", "Presque plein"]
    assert programme["events"][0]["seats_left"] == 0 and full == programme["events"][0]["id"]


async def test_the_api_has_etags_and_cors(app):
    await event(app, "Repair café", T0 + timedelta(hours=9))
    async with client(app) as http:
        for path in ("/api/programme.json", "/api/venues.json", "/api/wall.json"):
            first = await http.get(path, headers={"Origin": "https://venue.example"})
            assert first.status_code == 200 and first.headers["access-control-allow-origin"] == "*"
            again = await http.get(path, headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304 and not again.content
        preflight = await http.options("/api/programme.json", headers={
            "Origin": "https://venue.example", "Access-Control-Request-Method": "GET"})
        venues = (await http.get("/api/venues.json")).json()["venues"]
        unknown = await http.get("/api/programme.json?venue=nowhere")
    assert preflight.status_code == 204 and "GET" in preflight.headers["access-control-allow-methods"]
    assert {v["slug"] for v in venues} == {"hangar", "fabrique", "moulin", "universite"}
    assert unknown.status_code == 404


async def test_the_embed_widget_lists_this_venues_events_first_and_may_be_framed(app):
    await event(app, "Chez le voisin", T0 + timedelta(hours=3), venues=("hangar",))
    await event(app, "Chez nous", T0 + timedelta(hours=30), venues=("fabrique",))
    async with client(app) as http:
        response = await http.get("/embed/programme?venue=fabrique&lang=en")
    page = response.text
    assert response.status_code == 200 and "x-frame-options" not in response.headers
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert page.index("Chez nous") < page.index("Chez le voisin") and "<script" not in page
    assert "network programme" in page


async def test_a_private_venue_wall_needs_its_token(app):
    from bot.wall.tokens import venue_token
    from storage.venues import venue_by_slug

    app.config = dataclasses.replace(app.config, wall=WallConfig(private_venues=("hangar",)))
    async with app.db.session() as session:
        token = await venue_token(session, await venue_by_slug(session, "hangar"))
    async with client(app) as http:
        assert (await http.get("/wall/hangar")).status_code == 403
        assert (await http.get("/wall/hangar?token=wrong")).status_code == 403
        assert (await http.get(f"/api/wall.json?venue=hangar")).status_code == 403
        assert (await http.get(f"/wall/hangar?token={token}")).status_code == 200
        assert (await http.get("/wall/fabrique")).status_code == 200


def test_bad_wall_settings_name_their_key():
    from bot.config import ConfigError

    with pytest.raises(ConfigError) as error:
        parse_config('[network]\nname = "R"\n[wall]\npoll_seconds = 5\nevents = 0\nprivate_venues = ["Bad Slug"]\n'
                     'colour = "red"\n', environ={})
    text = "\n".join(error.value.problems)
    assert "wall.poll_seconds" in text and "wall.events" in text and "wall.private_venues[0]" in text
    assert "wall.colour" in text


async def test_partners_open_opportunities_show_with_the_skills_never_who_posted(app, people):
    poster = await people.add("Paule Poster")
    async with app.db.session() as session:
        university = (await session.execute(select(Venue).where(Venue.slug == "universite"))).scalar_one()
        session.add_all([
            Opportunity(kind="internship", title="Stage <data> en labo", partner_venue_id=university.id,
                        posted_by_id=poster, closes_at=T0 + timedelta(days=10), created_at=T0),
            Opportunity(kind="job", title="Poste déjà pourvu", partner_venue_id=university.id, posted_by_id=poster,
                        closes_at=T0 + timedelta(days=10), created_at=T0, status="closed"),
            Opportunity(kind="mission", title="Mission passée", posted_by_id=poster,
                        closes_at=T0 - timedelta(days=1), created_at=T0 - timedelta(days=9))])
    async with client(app) as http:
        data = (await http.get("/api/wall.json")).json()
        page = (await http.get("/wall")).text
    assert [(o["title"], o["organisation"]) for o in data["opportunities"]] == [("Stage <data> en labo", "Université")]
    assert "Stage &lt;data&gt; en labo" in page and "Les partenaires du réseau cherchent" in page
    assert "Paule" not in page and "Poste déjà pourvu" not in page and "Mission passée" not in page
