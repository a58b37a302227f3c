"""Seed a demo network: venues come from demo.toml; here, 36 members with skills, in French, who
joined over the last eleven months, with past events and introductions (bot.demo.past: the funders'
report has figures), and a programme of 8 events over the next three weeks (some co-hosted, one full with a waiting list,
several with people going), so /programme and /mesevenements have something to show; and one
introduction met a week ago (Lucas Laurent and Manon Lefebvre), so the "did you meet?" follow-up, the
feedback for the animators and "skip the next round" can be tried: `maillage demo --as "Lucas Laurent"`.

The members speak French to the bot, or the language given (`--lang en --fresh`); what they wrote
(bios) and the programme stay in French, as a French network's would.

Idempotent: members are added only to a database without members, events only to one without
events. Event times are wall-clock times at their venue, counted from the app clock at seed time.
Each member gets a console identity, so `maillage demo --as "Léa Bernard"` chats as Léa.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.application import App
from bot.demo.past import joined_days_ago, seed_past
from bot.demo.persona import slug as console_id
from bot.events.announce import announce_event
from bot.events.queries import set_venues
from bot.events.rsvp import respond
from bot.matchmaking.respond import send_follow_ups
from storage.models import Identity, Member, MemberSkill, Role, Skill, Venue
from storage.models.events import Event
from storage.models.matchmaking import ACCEPTED, REVEALED, Introduction, IntroductionMember

# name, venue, visibility, introductions, languages, bio, offers, needs, interests
MEMBERS: list[tuple[str, str, str, bool, str, str, str, str, str]] = [
    ("Camille Martin", "le-hangar", "network", True, "fr en", "Animatrice du réseau, ex-cheffe de projet web.",
     "project-management community-building facilitation", "grant-writing", "permaculture sports-coaching"),
    ("Léa Bernard", "la-fabrique", "network", True, "fr en", "Fabmanageuse, j'adore les machines qui font du bruit.",
     "3d-printing laser-cutting fablab-management", "accounting business-plan", "woodworking electronics"),
    ("Hugo Dubois", "le-hangar", "network", True, "fr", "Développeur web freelance, Python et Django.",
     "web-development python sql-databases", "graphic-design branding", "open-source bike-repair"),
    ("Inès Moreau", "le-moulin", "network", True, "fr", "Maraîchère et formatrice en permaculture.",
     "permaculture market-gardening composting", "web-design social-media", "beekeeping cooperatives"),
    ("Lucas Laurent", "la-ruche-rurale", "venue", True, "fr", "Menuisier, je restaure aussi des meubles.",
     "woodworking furniture-restoration joinery", "3d-modelling e-commerce", "upcycling"),
    ("Chloé Simon", "nantes-universite", "network", True, "fr en", "Doctorante en sociologie des tiers-lieux.",
     "surveys statistics data-analysis", "video-editing", "tiers-lieu-management social-innovation"),
    ("Nathan Michel", "le-hangar", "network", True, "fr en", "Expert-comptable, j'accompagne les indépendants.",
     "accounting taxation legal-structures", "web-development", "entrepreneurship"),
    ("Manon Lefebvre", "la-fabrique", "network", True, "fr", "Designer produit, prototypage rapide.",
     "product-design 3d-modelling prototyping", "crowdfunding", "ecodesign ceramics"),
    ("Théo Leroy", "e2c-44", "venue", True, "fr", "Stagiaire à l'E2C, passionné de vélo et de mécanique.",
     "bike-repair", "career-guidance web-development", "electronics"),
    ("Sarah Roux", "le-moulin", "network", True, "fr en", "Graphiste et illustratrice.",
     "graphic-design illustration branding", "accounting", "screen-printing permaculture"),
    ("Louis David", "la-ruche-rurale", "network", True, "fr", "Électricien, installations solaires.",
     "electrical-installation renewable-energy", "digital-marketing", "home-automation"),
    ("Emma Bertrand", "le-hangar", "network", True, "fr en", "Consultante RSE et économie circulaire.",
     "csr circular-economy impact-measurement", "data-visualisation", "community-building"),
    ("Gabriel Morel", "la-fabrique", "network", True, "fr", "Électronicien, Arduino et capteurs.",
     "electronics arduino soldering", "business-plan", "robotics"),
    ("Jade Fournier", "le-moulin", "venue", False, "fr", "Céramiste, atelier partagé au Moulin.",
     "ceramics", "social-media photography", "upcycling"),
    ("Arthur Girard", "nantes-universite", "network", True, "fr en", "Chercheur en IA, ouvert aux collaborations.",
     "machine-learning python data-science", "public-funding", "open-data"),
    ("Louise Bonnet", "le-hangar", "network", True, "fr", "Chargée de communication indépendante.",
     "social-media copywriting press-relations", "video-production", "storytelling"),
    ("Jules Dupont", "la-ruche-rurale", "network", True, "fr", "Vidéaste, captation d'événements.",
     "video-production video-editing drone", "accounting", "podcasting"),
    ("Alice Lambert", "le-moulin", "network", True, "fr en", "Facilitatrice, gouvernance partagée.",
     "facilitation shared-governance graphic-facilitation", "web-development", "tiers-lieu-management"),
    ("Raphaël Fontaine", "la-fabrique", "private", True, "fr", "Soudeur et ferronnier.",
     "welding metalwork", "laser-cutting", "blacksmithing"),
    ("Zoé Rousseau", "e2c-44", "venue", True, "fr", "En reconversion vers le numérique.",
     "customer-relations", "web-development coding-education", "social-media"),
    ("Adam Vincent", "le-hangar", "network", True, "fr en", "Product manager dans une startup d'agritech.",
     "product-management agile ux-design", "agroecology", "market-gardening"),
    ("Lina Muller", "la-ruche-rurale", "network", True, "fr en", "Traductrice FR/EN/DE.",
     "proofreading subtitling", "business-plan", "fle"),
    ("Paul Lefèvre", "le-moulin", "network", True, "fr", "Apiculteur, animations nature.",
     "beekeeping environmental-education", "web-design", "biodiversity"),
    ("Rose Faure", "nantes-universite", "network", True, "fr", "Ingénieure pédagogique.",
     "instructional-design e-learning", "3d-printing", "science-outreach"),
    ("Ethan André", "la-fabrique", "network", True, "fr", "Makers, drones et robotique éducative.",
     "robotics drone coding-education", "grant-writing", "arduino"),
    ("Anna Mercier", "le-hangar", "network", True, "fr en", "Avocate, droit des associations et du numérique.",
     "association-law gdpr contracts", "branding", "social-economy"),
    ("Tom Blanc", "la-ruche-rurale", "venue", True, "fr", "Gère la ressourcerie, récup et réemploi.",
     "upcycling circular-economy", "woodworking", "bike-repair"),
    ("Juliette Guerin", "le-moulin", "network", True, "fr", "Couturière, ateliers de réparation textile.",
     "sewing upholstery", "e-commerce", "textile-dyeing"),
    ("Noah Boyer", "le-hangar", "network", False, "fr en", "Data analyst.",
     "data-visualisation spreadsheets sql-databases", "public-speaking", "open-data"),
    ("Mila Garnier", "la-fabrique", "network", True, "fr", "Brodeuse numérique et graphiste.",
     "digital-embroidery graphic-design", "accounting", "sewing"),
    ("Victor Chevalier", "e2c-44", "venue", True, "fr", "Formateur à l'E2C, insertion professionnelle.",
     "career-guidance adult-training", "video-production", "work-integration"),
    ("Léna François", "nantes-universite", "network", True, "fr en", "Chargée de valorisation de la recherche.",
     "intellectual-property european-funds", "social-media", "social-innovation"),
    ("Maël Legrand", "le-moulin", "network", True, "fr", "Charpentier et éco-constructeur.",
     "timber-framing eco-construction", "bim", "woodworking"),
    ("Eva Gauthier", "la-ruche-rurale", "network", True, "fr en", "Photographe, portraits et reportage.",
     "photography photo-editing", "legal-structures", "storytelling"),
    ("Sacha Perrin", "le-hangar", "private", False, "fr", "Développeur mobile.",
     "mobile-development javascript", "", ""),
    ("Nina Robin", "la-fabrique", "network", True, "fr en", "Ingénieure en électronique embarquée.",
     "embedded-systems pcb-design iot", "marketing", "3d-printing"),
]

HOSTS = {"Léa Bernard": "la-fabrique", "Inès Moreau": "le-moulin", "Hugo Dubois": "le-hangar"}

# days from today, local start "HH:MM", minutes, title, venues (main first), audience, capacity,
# description, members going (in order: past the capacity they join the waiting list)
EVENTS: list[tuple[int, str, int, str, str, str, int | None, str, str]] = [
    (2, "18:30", 120, "Repair café", "le-hangar la-ruche-rurale", "everyone", None,
     "On répare ensemble grille-pains, vélos et vêtements. Apporte ce qui est cassé !",
     "Hugo Dubois|Emma Bertrand|Tom Blanc"),
    (3, "14:00", 180, "Initiation à la découpe laser", "la-fabrique", "everyone students", 4,
     "Trois heures pour dessiner et découper ta première pièce. Matériel fourni.",
     "Manon Lefebvre|Gabriel Morel|Ethan André|Nina Robin|Théo Leroy|Rose Faure"),
    (5, "09:30", 90, "Petit-déjeuner des indépendant·es", "le-hangar", "freelancers entrepreneurs", None,
     "Café, croissants et entraide entre indépendant·es du réseau.", "Nathan Michel|Louise Bonnet"),
    (6, "10:00", 240, "Chantier participatif au potager", "le-moulin", "everyone families", None,
     "Paillage, semis et grand pique-nique partagé à midi.", "Paul Lefèvre|Sarah Roux|Juliette Guerin"),
    (9, "18:00", 120, "Atelier CV et entretien", "e2c-44 nantes-universite", "job_seekers students", 12,
     "Relecture de CV et simulations d'entretien avec des pros du réseau.", "Zoé Rousseau|Théo Leroy"),
    (12, "19:00", 150, "Soirée Arduino", "la-fabrique", "everyone", None,
     "Capteurs, LED et soudure : viens avec ton projet ou découvre.", ""),
    (15, "17:30", 150, "Apéro du réseau", "le-moulin le-hangar la-fabrique", "everyone", None,
     "Les hôtes des tiers-lieux se retrouvent : présentations courtes et verre de l'amitié.",
     "Camille Martin|Alice Lambert"),
    (19, "14:00", 180, "Fresque du climat", "nantes-universite", "students", 15,
     "Un atelier collaboratif pour comprendre les causes et conséquences du changement climatique.", ""),
]


async def seed_demo(app: App, locale: str = "fr") -> str:
    """Add the demo members and programme (each once); returns a summary, or "" when there was
    nothing to add. The members speak `locale` to the bot (`maillage demo --lang en --fresh`)."""
    async with app.db.session() as session:
        added = []
        new_members = not (await session.execute(select(func.count()).select_from(Member))).scalar_one()
        if new_members:
            added.append(await _seed_members(session, app, locale))
            await _seed_past_introduction(session, app)
        if not (await session.execute(select(func.count()).select_from(Event))).scalar_one():
            added.append(await _seed_events(session, app))
            if new_members:  # the report's past needs both the members' join dates and no events yet
                added.append(await seed_past(session, app.clock.now(), HOSTS))
    return ", ".join(added)


async def _seed_members(session: AsyncSession, app: App, locale: str) -> str:
    venues = {v.slug: v for v in (await session.execute(select(Venue))).scalars()}
    skills = {s.slug: s for s in (await session.execute(select(Skill))).scalars()}
    now = app.clock.now()
    for index, (name, venue, visibility, intros, languages, bio, offers, needs, interests) in enumerate(MEMBERS):
        joined = now - timedelta(days=joined_days_ago(index))  # a network with a past: see bot.demo.past
        member = Member(display_name=name, bio=bio, home_venue_id=venues[venue].id, locale=locale,
                        languages=languages.split(), visibility=visibility, intro_opt_in=intros,
                        consent_at=joined, consent_version="demo", created_at=joined, updated_at=joined)
        session.add(member)
        await session.flush()
        for kind, slugs in (("offer", offers), ("need", needs), ("interest", interests)):
            for slug in slugs.split():
                session.add(MemberSkill(member_id=member.id, skill_id=skills[slug].id, kind=kind, created_at=joined))
        session.add(Identity(member_id=member.id, platform="console", platform_user_id=console_id(name),
                             handle=console_id(name), display_name=name, dm_status="open"))
        if name in HOSTS:
            session.add(Role(member_id=member.id, role="host", venue_id=venues[HOSTS[name]].id))
    await session.flush()
    return f"{len(venues)} venues, {len(MEMBERS)} members"


# An introduction both accepted FOLLOW_UP_AFTER days ago: the follow-up job asks them "did you meet?" now.
PAST_INTRODUCTION = ("Lucas Laurent", "Manon Lefebvre", "3d-modelling", "la-fabrique")


async def _seed_past_introduction(session: AsyncSession, app: App) -> None:
    """A one-off introduction revealed `follow_up_days` ago, then the real follow-up job's messages."""
    needer_name, offerer_name, skill_slug, venue_slug = PAST_INTRODUCTION
    members = {m.display_name: m for m in (await session.execute(select(Member))).scalars()}
    needer, offerer = members[needer_name], members[offerer_name]
    skill = (await session.execute(select(Skill).where(Skill.slug == skill_slug))).scalar_one()
    venue = (await session.execute(select(Venue).where(Venue.slug == venue_slug))).scalar_one()
    now = app.clock.now()
    revealed = now - timedelta(days=app.config.matchmaking.follow_up_days, hours=1)
    ids = [needer.id, offerer.id]
    intro = Introduction(
        round_id=None, source="one_off", requested_by_id=needer.id, score=3.0,
        reasons=[{"code": "need_offer", "params": {"needer": needer.id, "offerer": offerer.id, "skills": [skill.id]}},
                 {"code": "cross_venue", "params": {"members": ids, "venues": [needer.home_venue_id,
                                                                               offerer.home_venue_id],
                                                    "recent": 0, "distance_km": None}}],
        cross_venue=True, need_offer=True, repeat=False, status=REVEALED, created_at=revealed - timedelta(days=1),
        expires_at=revealed, closed_at=revealed, revealed_at=revealed, meet_venue_id=venue.id)
    session.add(intro)
    await session.flush()
    for slot, member in enumerate((needer, offerer)):
        session.add(IntroductionMember(introduction_id=intro.id, slot=slot, member_id=member.id,
                                       venue_id=member.home_venue_id, response=ACCEPTED, responded_at=revealed))
    await session.flush()
    await send_follow_ups(session, app.config, now)


async def _seed_events(session: AsyncSession, app: App) -> str:
    """The demo programme, published as a host would (RSVPs go through the real seat counting)."""
    venues = {v.slug: v for v in (await session.execute(select(Venue))).scalars()}
    members = {m.display_name: m for m in (await session.execute(select(Member))).scalars()}
    hosts = {venue: members.get(name) for name, venue in HOSTS.items()}
    now = app.clock.now()
    for days, clock, minutes, title, slugs, audience, capacity, description, going in EVENTS:
        main = venues[slugs.split()[0]]
        zone = ZoneInfo(main.timezone)
        day = now.astimezone(zone).date() + timedelta(days=days)
        starts_at = datetime.combine(day, time.fromisoformat(clock), zone).astimezone(ZoneInfo("UTC"))
        author = hosts.get(main.slug) or members.get("Camille Martin")
        event = Event(title=title, description=description, location="", starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=minutes), timezone=main.timezone, all_day=False,
                      capacity=capacity, going_count=0, status="published", audience=audience.split(),
                      created_by_id=author.id if author else None, source="chat", recurrence_id="", sequence=0,
                      published_at=now, created_at=now, updated_at=now)
        session.add(event)
        await session.flush()
        await set_venues(session, event, [venues[slug].id for slug in slugs.split()])
        await announce_event(session, app.config, event, now)  # no chat is linked: records the activity
        for name in filter(None, going.split("|")):
            if name in members:
                await respond(session, app.config, event, members[name], True, now)
    return f"{len(EVENTS)} events"
