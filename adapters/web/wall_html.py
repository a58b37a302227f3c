"""The wall's panels as HTML fragments, in the wall's language: one renderer for the first page,
the live updates (the page swaps a panel's fragment when the server pushes a new one) and the embed.

Everything shown is escaped; QR codes are inline SVG made by segno, so the page needs nothing from
outside. Links open the bot (a venue's join link, an event's RSVP deep link).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import segno

from adapters.web.wall_map import map_svg
from bot.i18n import Translator
from bot.wall.panels import EventItem, SkillCount, Wall

def text(value: str) -> str:
    """Escaped for an element's content (quotes stay readable: "Aujourd'hui")."""
    return escape(value, quote=False)


PANELS = ("join", "coming", "people", "skills", "intros", "map")


@lru_cache(maxsize=512)
def qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(omitsize=True, border=2, dark="#111", light="#fff")


def render_panels(wall: Wall) -> dict[str, str]:
    t = Translator(wall.locale)
    return {"join": _join(wall, t), "coming": _coming(wall, t), "people": _people(wall, t),
            "skills": _skills(wall, t), "intros": _intros(wall, t), "map": _map(wall, t)}


def _count(value: int | None, t: Translator) -> str:
    return str(value) if value is not None else text(t("wall.few"))


def _button(link: str | None, label: str, kind: str = "") -> str:
    if not link:
        return ""
    return f'<a class="btn {kind}" href="{escape(link)}" target="_blank" rel="noopener">{text(label)}</a>'


def _join(wall: Wall, t: Translator) -> str:
    where = wall.venue.name if wall.venue else wall.network
    line = (t("wall.join.line", network=wall.network, count=wall.members) if wall.members is not None
            else t("wall.join.line_small", network=wall.network))
    parts = [f"<h2>{text(t('wall.join.title', where=where))}</h2>"]
    if wall.join_link:
        parts.append(f'<div class="qr join-qr">{qr_svg(wall.join_link)}</div>')
        parts.append(f'<p class="scan">{text(t("wall.join.scan"))}</p>')
    elif wall.venue:
        parts.append(f'<p class="code">{text(t("wall.join.type_code", code=wall.venue.join_code))}</p>')
    else:
        parts.append(f'<p class="code">{text(t("wall.join.type_start"))}</p>')
    parts.append(f'<p class="line">{text(line)}</p>')
    parts.append('<p class="buttons">' + _button(wall.join_link, t("wall.join.open"), "primary")
                 + _button(wall.discord_invite, t("wall.join.discord")) + "</p>")
    return "".join(parts)


def _event(event: EventItem, t: Translator) -> str:
    classes = ["event", event.bucket] + (["here"] if event.here else []) + (["cancelled"] if event.status == "cancelled" else [])
    badge = ""
    if event.status == "cancelled":
        badge = t("wall.coming.cancelled")
    elif event.seats_left == 0:
        badge = t("wall.coming.full")
    elif event.seats_left is not None and event.seats_left <= 5:
        badge = t("wall.coming.seats", count=event.seats_left)
    qr = f'<div class="qr small">{qr_svg(event.rsvp_link)}</div>' if event.rsvp_link and event.status != "cancelled" else ""
    rsvp = _button(event.rsvp_link, t("wall.coming.rsvp")) if event.status != "cancelled" else ""
    return (f'<li class="{" ".join(classes)}" data-item="e{event.id}">{qr}<div class="what">'
            f'<p class="when">{text(event.when)}</p><p class="title">{text(event.title)}</p>'
            f'<p class="where">{text(" · ".join(event.venues))}</p>'
            + (f'<p class="badge">{text(badge)}</p>' if badge else "") + f"{rsvp}</div></li>")


def _coming(wall: Wall, t: Translator) -> str:
    parts = [f"<h2>{text(t('wall.coming.title'))}</h2>"]
    if not wall.events:
        return parts[0] + f'<p class="empty">{text(t("wall.coming.none"))}</p>'
    bucket = None
    for event in wall.events:
        if event.bucket != bucket:
            if bucket is not None:
                parts.append("</ul>")
            bucket = event.bucket
            parts.append(f'<h3>{text(t(f"wall.coming.{bucket}"))}</h3><ul class="events">')
        parts.append(_event(event, t))
    parts.append("</ul>")
    return "".join(parts)


def _people(wall: Wall, t: Translator) -> str:
    parts = [f"<h2>{text(t('wall.people.title'))}</h2>"]
    if not wall.people:
        parts.append(f'<p class="empty">{text(t("wall.people.none"))}</p>')
    else:
        parts.append('<ul class="people">')
        for person in wall.people:
            offers = (f'<span class="offers">{text(t("wall.people.offers", skills=", ".join(person.offers)))}</span>'
                      if person.offers else "")
            venue = f'<span class="venue">{text(person.venue)}</span>' if person.venue else ""
            parts.append(f'<li data-item="m{person.id}"><span class="name">{text(person.name)}</span>{venue}{offers}</li>')
        parts.append("</ul>")
    parts.append(f'<p class="how">{text(t("wall.people.how"))}</p>')
    return "".join(parts)


def _skill_list(title: str, skills: list[SkillCount], t: Translator) -> str:
    items = "".join(f'<li><span class="label">{text(s.label)}</span><span class="n">{_count(s.count, t)}</span></li>'
                    for s in skills)
    return f'<div class="skills-col"><h3>{text(title)}</h3><ul class="skills">{items}</ul></div>'


def _skills(wall: Wall, t: Translator) -> str:
    parts = [f"<h2>{text(t('wall.skills.title'))}</h2>"]
    if not wall.needed and not wall.offered:
        parts.append(f'<p class="empty">{text(t("wall.skills.none"))}</p>')
    else:
        parts.append('<div class="cols">' + _skill_list(t("wall.skills.needed"), wall.needed, t)
                     + _skill_list(t("wall.skills.offered"), wall.offered, t) + "</div>")
    if wall.opportunities:
        items = "".join(f'<li><span class="name">{text(o.title)}</span>'
                        + (f'<span class="venue">{text(o.organisation)}</span>' if o.organisation else "")
                        + f'<span class="offers">{text(t("wall.skills.closes", day=o.closes))}</span></li>'
                        for o in wall.opportunities)
        parts.append(f'<h3>{text(t("wall.skills.opportunities"))}</h3><ul class="opportunities">{items}</ul>')
    parts.append(f'<p class="how">{text(t("wall.skills.invite"))}</p>')
    parts.append('<p class="buttons">' + _button(wall.join_link, t("wall.skills.find"), "primary") + "</p>")
    return "".join(parts)


def _intros(wall: Wall, t: Translator) -> str:
    parts = [f"<h2>{text(t('wall.intros.title'))}</h2>",
             '<div class="figures">',
             f'<p><span class="big">{_count(wall.intros_week, t)}</span>{text(t("wall.intros.week"))}</p>',
             f'<p><span class="big">{_count(wall.intros_month, t)}</span>{text(t("wall.intros.month"))}</p>',
             "</div>"]
    if wall.pairs:
        parts.append('<ul class="pairs">' + "".join(
            f'<li>{text(t("wall.intros.pair", a=p.venues[0], b=p.venues[1], count=p.count))}</li>' for p in wall.pairs) + "</ul>")
    parts.append(f'<p class="how">{text(t("wall.intros.how"))}</p>')
    return "".join(parts)


def _map(wall: Wall, t: Translator) -> str:
    title = t("wall.map.title", count=len(wall.venues))
    parts = [f"<h2>{text(title)}</h2>", map_svg(wall.venues, wall.pairs, title)]
    unplaced = [v.name for v in wall.venues if v.latitude is None or v.longitude is None]
    if unplaced:
        parts.append(f'<p class="how">{text(t("wall.map.also", venues=", ".join(unplaced)))}</p>')
    if wall.venue is not None:
        parts.append(f'<p class="legend"><span class="dot here"></span>{text(t("wall.map.here", venue=wall.venue.name))}</p>')
    return "".join(parts)
