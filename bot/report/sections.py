"""The report's sections, one function each: members, programme, collaborations, skills, partners,
light touch. Each returns `{"id", "title", "figures", "tables", "note", "graph"}` (see document.py).

When the report's scope counts fewer people than the threshold (a very small venue), the sections
about people keep only what counts no one (events held) and say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.report.days import Period
from bot.i18n import catalogue
from bot.report import graph
from bot.report.cells import RATIO, TOP_SKILLS, VENUE_KINDS, Builder, grouped
from bot.report.suppress import is_small
from bot.report.venues import SIZE_BANDS, VenueInfo
from storage.models.report import NETWORK


@dataclass
class Context:
    b: Builder
    infos: list[VenueInfo]
    skill_labels: dict[str, str]
    venue: VenueInfo | None
    small: bool
    period: Period

    @property
    def t(self):
        return self.b.t

    @property
    def network_wide(self) -> bool:
        return self.venue is None


def _section(ctx: Context, section_id: str, figures=(), tables=(), note=None, graph=None) -> dict[str, Any]:
    return {"id": section_id, "title": ctx.t(f"report.section.{section_id}"), "figures": list(figures),
            "tables": [t for t in tables if t is not None], "note": note, "graph": graph}


def _flow(ctx: Context, metric: str, venue: int | None = None, dim: str = "") -> tuple[int, int]:
    v = ctx.b.venue if venue is None else venue
    return ctx.b.cur.flow(metric, v, dim), ctx.b.prev.flow(metric, v, dim)


def _stock(ctx: Context, metric: str, venue: int | None = None, dim: str = "") -> tuple[int, int]:
    v = ctx.b.venue if venue is None else venue
    return ctx.b.cur.stock(metric, v, dim), ctx.b.prev.stock(metric, v, dim)


def _per_venue_table(ctx: Context, table_id: str, value, total: tuple[int, int], *, people: bool = True,
                     remainder: str = "report.no_venue") -> dict[str, Any]:
    items = [(info.name, *value(info.id)) for info in ctx.infos]
    rest = (total[0] - sum(c for _, c, _ in items), total[1] - sum(p for _, _, p in items))
    if rest != (0, 0):
        items.append((ctx.t(remainder), *rest))
    return ctx.b.table(table_id, ctx.t(f"report.table.{table_id}"), items,
                       total=(ctx.t("report.total"), *total), people=people)


def _grouped_table(ctx: Context, table_id: str, groups: dict[str, list[int]], labels, total: tuple[int, int],
                   *, note: str | None = None) -> dict[str, Any]:
    items = [(labels(group), cur, prev) for group, (cur, prev) in groups.items()]
    rest = (total[0] - sum(c for _, c, _ in items), total[1] - sum(p for _, _, p in items))
    if rest != (0, 0):
        items.append((ctx.t("report.unknown"), *rest))
    return ctx.b.table(table_id, ctx.t(f"report.table.{table_id}"), items, total=(ctx.t("report.total"), *total),
                       note=note)


def _audience(t, tag: str) -> str:
    """The events' own words for an audience tag ("étudiant·es"), the tag itself when unknown."""
    key = f"events.tag.{tag}"
    if key not in catalogue(t.locale):
        return tag
    text = t(key)
    return text[:1].upper() + text[1:]


def _partner_kind(t, kind: str | None) -> str:
    return t(f"report.partner_kind.{(kind or 'other').replace(' ', '_')}")


def members(ctx: Context) -> dict[str, Any]:
    b, t = ctx.b, ctx.t
    if ctx.small:
        return _section(ctx, "members", note=t("report.suppressed_section"))
    total, new = _stock(ctx, "members.total"), _flow(ctx, "members.new")
    active = (b.cur.stock("members.active", b.venue) if b.cur.active_known else None,
              b.prev.stock("members.active", b.venue) if b.prev.active_known else None)
    figures = [b.figure(t("report.fig.members_total"), *total), b.figure(t("report.fig.members_new"), *new),
               b.figure(t("report.fig.members_active"), *active)]
    tables = []
    if ctx.network_wide:
        def stock(v):
            return _stock(ctx, "members.total", v)

        tables.append(_per_venue_table(ctx, "members_by_venue", stock, total))
        tables.append(_per_venue_table(ctx, "new_by_venue", lambda v: _flow(ctx, "members.new", v), new))
        kinds = grouped(ctx.infos, lambda i: i.kind, stock)
        tables.append(_grouped_table(ctx, "members_by_kind", {k: kinds[k] for k in VENUE_KINDS if k in kinds},
                                     lambda k: t(f"report.kind.{k}"), total))
        partner_kinds = grouped(ctx.infos, lambda i: i.partner_kind if i.kind == "partner" else None, stock)
        if partner_kinds:
            at_partners = (sum(c for c, _ in partner_kinds.values()), sum(p for _, p in partner_kinds.values()))
            tables.append(ctx.b.table("members_by_partner_kind", t("report.table.members_by_partner_kind"),
                                      [(_partner_kind(t, k).capitalize(), c, p)
                                       for k, (c, p) in partner_kinds.items()],
                                      total=(t("report.total"), *at_partners)))
        sizes = grouped(ctx.infos, lambda i: i.size, stock)
        rural = grouped(ctx.infos, lambda i: None if i.rural is None else ("rural" if i.rural else "urban"), stock)
        if sizes:
            known = [band for _, band in SIZE_BANDS] + ["100k_plus"]
            tables.append(_grouped_table(ctx, "members_by_commune_size", sizes,
                                         lambda s: t(f"report.size.{s}") if s in known else s, total))
        if rural:
            tables.append(_grouped_table(ctx, "members_rural_urban", rural, lambda r: t(f"report.{r}"), total))
        if not sizes and not rural:
            tables.append({"id": "members_by_commune_size", "title": t("report.table.members_by_commune_size"),
                           "people": True, "rows": [], "total": None, "note": t("report.no_territory")})
    return _section(ctx, "members", figures, tables)


def programme(ctx: Context) -> dict[str, Any]:
    b, t = ctx.b, ctx.t
    held, cohosted = _flow(ctx, "events.held"), _flow(ctx, "events.cohosted")
    figures = [b.figure(t("report.fig.events_held"), *held, people=False),
               b.figure(t("report.fig.events_cohosted"), *cohosted, people=False)]
    tables = []
    if ctx.network_wide:
        tables.append(b.table("events_by_venue", t("report.table.events_by_venue"),
                              [(i.name, *_flow(ctx, "events.hosted", i.id)) for i in ctx.infos], people=False,
                              note=t("report.cohosted_note")))
        kinds = grouped(ctx.infos, lambda i: i.kind, lambda v: _flow(ctx, "events.held", v))
        tables.append(b.table("events_by_kind", t("report.table.events_by_kind"),
                              [(t(f"report.kind.{k}"), *kinds[k]) for k in VENUE_KINDS if k in kinds], people=False))
    audience = sorted(set(b.cur.dims("events.audience", b.venue)) | set(b.prev.dims("events.audience", b.venue)))
    if audience:
        tables.append(b.table("events_by_audience", t("report.table.events_by_audience"),
                              [(_audience(t, tag), *_flow(ctx, "events.audience", dim=tag)) for tag in audience],
                              people=False))
    if ctx.small:
        return _section(ctx, "programme", figures, tables, note=t("report.suppressed_people"))
    rsvps, visitors, cross = _flow(ctx, "events.rsvps"), _flow(ctx, "events.visitors"), _flow(ctx, "events.cross")
    capacity, capped = _flow(ctx, "events.capacity"), _flow(ctx, "events.capped_going")
    figures += [b.figure(t("report.fig.rsvps"), *rsvps),
                b.share(t("report.fig.fill_rate"), capped, capacity, rest_is_people=False),
                b.figure(t("report.fig.events_cross"), *cross, people=False),
                b.figure(t("report.fig.visitors"), *visitors)]
    # An event drawing "< 5" visitors must not show as "1 event drew people": hide it with them.
    if b.small(visitors[0]) or b.small(visitors[1]):
        figures[-2] = b.figure(t("report.fig.events_cross"), *cross)
    if ctx.network_wide:
        tables.append(_per_venue_table(ctx, "rsvps_by_venue", lambda v: _flow(ctx, "events.rsvps", v), rsvps))
    return _section(ctx, "programme", figures, tables)


def collaborations(ctx: Context) -> dict[str, Any]:
    b, t = ctx.b, ctx.t
    proposed, accepted, met = _flow(ctx, "intros.proposed"), _flow(ctx, "intros.accepted"), _flow(ctx, "intros.met")
    links = graph.links(ctx)
    drawing = graph.layout(ctx, links)
    if ctx.small:
        return _section(ctx, "collaborations", note=t("report.suppressed_section"), graph=drawing)
    figures = [b.figure(t("report.fig.intros_proposed"), *proposed),
               b.figure(t("report.fig.intros_accepted"), *accepted),
               b.figure(t("report.fig.intros_met"), *met),
               b.share(t("report.fig.cross_share"), _flow(ctx, "intros.cross"), proposed),
               b.share(t("report.fig.need_offer_share"), _flow(ctx, "intros.need_offer"), proposed)]
    tables = []
    if ctx.network_wide:
        tables.append(b.table("intros_by_venue", t("report.table.intros_by_venue"),
                              [(i.name, *_flow(ctx, "intros.proposed", i.id)) for i in ctx.infos],
                              note=t("report.intros_note")))
    return _section(ctx, "collaborations", figures, tables, graph=drawing)


def skills(ctx: Context) -> dict[str, Any]:
    b, t = ctx.b, ctx.t
    if ctx.small:
        return _section(ctx, "skills", note=t("report.suppressed_section"))
    offered = b.cur.dims("skills.offer", b.venue, stock=True)
    needed = b.cur.dims("skills.need", b.venue, stock=True)
    offered_anywhere = b.cur.dims("skills.offer", NETWORK, stock=True)

    def top(counts: dict[str, int]) -> list[str]:
        return [slug for slug, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SKILLS]]

    def label(slug: str) -> str:
        return ctx.skill_labels.get(slug, slug)

    tables = [
        b.table("skills_offered", t("report.table.skills_offered"),
                [(label(s), *_stock(ctx, "skills.offer", dim=s)) for s in top(offered)]),
        b.table("skills_needed", t("report.table.skills_needed"),
                [(label(s), *_stock(ctx, "skills.need", dim=s)) for s in top(needed)]),
        b.table("skills_gaps", t("report.table.skills_gaps"),
                [(label(s), *_stock(ctx, "skills.need", dim=s))
                 for s in top({s: n for s, n in needed.items() if not offered_anywhere.get(s)})],
                note=t("report.gaps_note")),
    ]
    return _section(ctx, "skills", tables=tables)


def partners(ctx: Context) -> dict[str, Any]:
    b, t = ctx.b, ctx.t
    partner_venues = [i for i in ctx.infos if i.kind == "partner" and (ctx.venue is None or i.id == ctx.venue.id)]
    if not partner_venues:
        return _section(ctx, "partners", note=t("report.no_partners"))
    tables = []
    for key, metric, people in (("partners_members", "members.total", True), ("partners_events", "events.hosted", False),
                                ("partners_cohosted", "events.cohosted", False),
                                ("partners_intros", "intros.proposed", True)):
        value = _stock if metric == "members.total" else _flow
        if people and ctx.small:
            continue
        tables.append(b.table(key, t(f"report.table.{key}"),
                              [(f"{i.name} ({_partner_kind(t, i.partner_kind)})", *value(ctx, metric, i.id))
                               for i in partner_venues], people=people))
    def involved(totals) -> int:
        return sum(1 for i in partner_venues if any(
            totals.flow(m, i.id) for m in ("events.hosted", "intros.proposed", "members.new")))

    figures = [b.figure(t("report.fig.partners_involved"), involved(b.cur), involved(b.prev), people=False)]
    return _section(ctx, "partners", figures, tables)


def light_touch(ctx: Context) -> dict[str, Any]:
    b, t = ctx.b, ctx.t
    if ctx.small:
        return _section(ctx, "light_touch", note=t("report.suppressed_section"))
    members = _stock(ctx, "members.total")
    months = ctx.period.days / 30

    def per_member(metric: str) -> dict[str, Any]:
        cur, prev = _flow(ctx, metric)
        values = [n / m / months if m and not is_small(m, b.min_count) else None for n, m in zip((cur, prev), members)]
        return {"label": t(f"report.fig.{metric.replace('.', '_')}"),
                "cells": [b.pair(values[0], values[1], False, False, RATIO)]}

    intros_on = _stock(ctx, "members.intros_on")
    figures = [per_member("messages.nudge"), per_member("messages.transactional"),
               b.figure(t("report.fig.forgotten"), *_flow(ctx, "members.forgotten")),
               b.share(t("report.fig.intros_on_share"), intros_on, members)]
    return _section(ctx, "light_touch", figures, note=t("report.light_touch_note"))


ALL = (members, programme, collaborations, skills, partners, light_touch)
