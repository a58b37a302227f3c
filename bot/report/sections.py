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
from bot.report.suppress import hide_table, is_small
from bot.report.venues import SIZE_BANDS, TOP_BAND, VenueInfo
from storage.models.report import NETWORK


@dataclass
class Context:
    b: Builder
    infos: list[VenueInfo]
    skill_labels: dict[str, str]
    venue: VenueInfo | None
    small: bool
    period: Period
    # Venues whose member count the per-venue table hides (current, previous): linked tables follow.
    hidden_members: tuple[set[int], set[int]] = (set(), set())

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


def _network_hidden(ctx: Context, metric: str, *, stock: bool) -> tuple[bool, bool]:
    """Whether the network's per-venue table of `metric` hides this venue's cell (this period, the
    previous one): a venue's own report must not show what the network's report hides, or the two
    together would give the hidden cells away."""
    if ctx.venue is None:
        return False, False
    found = []
    for totals in (ctx.b.cur, ctx.b.prev):
        read = totals.stock if stock else totals.flow
        values = [read(metric, info.id) for info in ctx.infos]
        total = read(metric, NETWORK)
        values.append(total - sum(values))
        hidden, _ = hide_table(values, total, ctx.b.min_count)
        found.append(hidden[[info.id for info in ctx.infos].index(ctx.venue.id)])
    return found[0], found[1]


def _hidden_ids(ctx: Context, table: dict[str, Any]) -> tuple[set[int], set[int]]:
    """The venues (0: no home venue) a per-venue table hides, this period and the previous one."""
    ids = [info.id for info in ctx.infos] + [NETWORK]
    cur = {vid for vid, row in zip(ids, table["rows"]) if row["cells"][0]["current"]["value"] is None}
    prev = {vid for vid, row in zip(ids, table["rows"]) if row["cells"][0]["previous"]["value"] is None}
    return cur, prev


def _members_grouped(ctx: Context, table_id: str, key, labels, *, subtotal: bool = False,
                     order: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """Members per group of venues (kind, commune size...), linked to the per-venue table: a group
    holding exactly one hidden venue is hidden too. With `subtotal`, the total is the groups' sum
    (members at partners), else the network's, with a remainder row for what no group holds."""
    groups: dict[str, list] = {}
    for info in ctx.infos:
        group = key(info)
        if group is not None:
            cur, prev = _stock(ctx, "members.total", info.id)
            entry = groups.setdefault(group, [0, 0, set()])
            entry[0] += cur
            entry[1] += prev
            entry[2].add(info.id)
    if not groups:
        return None
    ranked = sorted(groups, key=lambda g: (order.index(g) if g in order else len(order), g))
    rows = [(labels(group), *groups[group][:2], groups[group][2]) for group in ranked]
    held = set().union(*(atoms for *_, atoms in rows))
    if subtotal:
        total, total_atoms = (sum(r[1] for r in rows), sum(r[2] for r in rows)), held
    else:
        total, total_atoms = _stock(ctx, "members.total"), {i.id for i in ctx.infos} | {NETWORK}
        rest = (total[0] - sum(r[1] for r in rows), total[1] - sum(r[2] for r in rows))
        if rest != (0, 0):
            rows.append((ctx.t("report.unknown"), *rest, total_atoms - held))
    hidden_cur, hidden_prev = ctx.hidden_members

    def reveals(atoms: set[int], hidden: set[int]) -> bool:
        return len(atoms & hidden) == 1

    forced = ([reveals(r[3], hidden_cur) for r in rows], [reveals(r[3], hidden_prev) for r in rows])
    return ctx.b.table(table_id, ctx.t(f"report.table.{table_id}"), [r[:3] for r in rows],
                       total=(ctx.t("report.total"), *total), forced=forced,
                       total_forced=(reveals(total_atoms, hidden_cur), reveals(total_atoms, hidden_prev)))


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
    figures = [b.figure(t("report.fig.members_total"), *total,
                        forced=_network_hidden(ctx, "members.total", stock=True)),
               b.figure(t("report.fig.members_new"), *new, forced=_network_hidden(ctx, "members.new", stock=False)),
               b.figure(t("report.fig.members_active"), *active)]
    tables = []
    if ctx.network_wide:
        def stock(v):
            return _stock(ctx, "members.total", v)

        by_venue = _per_venue_table(ctx, "members_by_venue", stock, total)
        ctx.hidden_members = _hidden_ids(ctx, by_venue)
        tables.append(by_venue)
        tables.append(_per_venue_table(ctx, "new_by_venue", lambda v: _flow(ctx, "members.new", v), new))
        tables.append(_members_grouped(ctx, "members_by_kind", lambda i: i.kind, lambda k: t(f"report.kind.{k}"),
                                       order=VENUE_KINDS))
        tables.append(_members_grouped(ctx, "members_by_partner_kind",
                                       lambda i: i.partner_kind if i.kind == "partner" else None,
                                       lambda k: _partner_kind(t, k).capitalize(), subtotal=True))
        known = [band for _, band in SIZE_BANDS] + [TOP_BAND]
        sizes = _members_grouped(ctx, "members_by_commune_size", lambda i: i.size,
                                 lambda s: t(f"report.size.{s}") if s in known else s, order=tuple(known))
        rural = _members_grouped(ctx, "members_rural_urban",
                                 lambda i: None if i.rural is None else ("rural" if i.rural else "urban"),
                                 lambda r: t(f"report.{r}"))
        tables += [sizes, rural]
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
    figures += [b.figure(t("report.fig.rsvps"), *rsvps, forced=_network_hidden(ctx, "events.rsvps", stock=False)),
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
        # A partner's members are hidden wherever the per-venue table hides them.
        forced = ([i.id in ctx.hidden_members[0] for i in partner_venues],
                  [i.id in ctx.hidden_members[1] for i in partner_venues]) if metric == "members.total" else None
        tables.append(b.table(key, t(f"report.table.{key}"),
                              [(f"{i.name} ({_partner_kind(t, i.partner_kind)})", *value(ctx, metric, i.id))
                               for i in partner_venues], people=people, forced=forced))
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
