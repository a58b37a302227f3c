"""Seed a demo network: venues come from demo.toml; here, 36 members with skills, in French.

Idempotent: seeding a database that already has members does nothing. Each member gets a console
identity, so `maillage demo --as "Léa Bernard"` chats as Léa.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select

from bot.app import App
from storage.models import Identity, Member, MemberSkill, Role, Skill, Venue

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


def console_id(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


async def seed_demo(app: App) -> str:
    """Add the demo members (once); returns a summary, or "" when the network was already seeded."""
    async with app.db.session() as session:
        if (await session.execute(select(func.count()).select_from(Member))).scalar_one():
            return ""
        venues = {v.slug: v for v in (await session.execute(select(Venue))).scalars()}
        skills = {s.slug: s for s in (await session.execute(select(Skill))).scalars()}
        now = app.clock.now()
        for name, venue, visibility, intros, languages, bio, offers, needs, interests in MEMBERS:
            member = Member(display_name=name, bio=bio, home_venue_id=venues[venue].id, locale="fr",
                            languages=languages.split(), visibility=visibility, intro_opt_in=intros,
                            consent_at=now, consent_version="demo", created_at=now)
            session.add(member)
            await session.flush()
            for kind, slugs in (("offer", offers), ("need", needs), ("interest", interests)):
                for slug in slugs.split():
                    session.add(MemberSkill(member_id=member.id, skill_id=skills[slug].id, kind=kind))
            session.add(Identity(member_id=member.id, platform="console", platform_user_id=console_id(name),
                                 handle=console_id(name), display_name=name, dm_status="open"))
            if name in HOSTS:
                session.add(Role(member_id=member.id, role="host", venue_id=venues[HOSTS[name]].id))
    return f"{len(venues)} venues, {len(MEMBERS)} members"
