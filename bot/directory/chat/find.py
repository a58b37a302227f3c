"""/find (/chercher): search the network's members by skill, typo-tolerant in French and English.

Ranks first the members who offer a matching skill, then those whose interests or bio match (see
bot/directory/index.py). Only profiles their owners chose to show are listed, and only to members
allowed to see them: the index never holds a private profile, and the page shown is checked again
against the database. A result shows a display name, a venue, the matching skills and the start of
the bio — never a handle or a contact: those are exchanged only through an accepted introduction.
Pages come as buttons carrying the normalised query (pure ASCII, so it fits Telegram's 64 bytes).
"""

from __future__ import annotations

from bot.context import Context
from bot.directory.index import Hit, Ranking, Viewer
from bot.directory.service import Directory
from bot.directory.visibility import viewer_venues, visible_members
from bot.payloads import parse_int
from bot.registry import Access, Registry, Where
from bot.skills.normalize import normalize, tokens
from bot.types import Button, Reply
from storage.models import Member

PAGE_SIZE = 5
MAX_QUERY_IN_BUTTON = 48  # "dir:" + page + ":" + query stays within 64 bytes
MAX_BIO = 140
MAX_SKILLS_SHOWN = 3
MAX_NAME_IN_BUTTON = 24


def _button_query(query: str) -> str:
    """The normalised query, cut on a word boundary to fit in a button."""
    if len(query) <= MAX_QUERY_IN_BUTTON:
        return query
    return query[:MAX_QUERY_IN_BUTTON].rsplit(" ", 1)[0]


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _directory(ctx: Context) -> Directory:
    assert ctx.directory is not None, "build_app gives the core its directory"
    return ctx.directory


async def _rank(ctx: Context, member: Member, venues: frozenset[int], query: str) -> Ranking:
    directory = _directory(ctx)
    index, skill_map = await directory.current(ctx.session)
    assert directory.resolver is not None
    skills = skill_map.resolve(directory.resolver.search_ids(query))
    return index.search(skills, tokens(query), Viewer(member.id, venues))


async def _page(ctx: Context, member: Member, query: str, page: int) -> tuple[Ranking, list[Hit], dict[int, Member]]:
    """The hits of one page, each re-checked against the database."""
    venues = await viewer_venues(ctx.session, member)
    ranking = await _rank(ctx, member, venues, query)
    hits = ranking.page(page, PAGE_SIZE)
    shown = await visible_members(ctx.session, member, [hit.member_id for hit in hits], venues)
    if len(shown) < len(hits):  # the index lagged behind the database: refresh those, rank again
        await _directory(ctx).refresh_members(ctx.session, [hit.member_id for hit in hits if hit.member_id not in shown])
        ranking = await _rank(ctx, member, venues, query)
        hits = ranking.page(page, PAGE_SIZE)
        shown = await visible_members(ctx.session, member, [hit.member_id for hit in hits], venues)
    return ranking, [hit for hit in hits if hit.member_id in shown], shown


async def _render(ctx: Context, query: str, shown_query: str, page: int) -> Reply:
    member = ctx.member
    assert member is not None
    ranking, hits, members = await _page(ctx, member, query, page)
    if not hits:
        key = "directory.none" if page == 0 else "directory.no_more"
        return Reply(ctx.t(key, query=shown_query), edit=page > 0)
    directory = _directory(ctx)
    venues, skill_map = directory.venue_names, directory.skills  # kept in memory: no query per page
    assert skill_map is not None
    pages = ranking.pages(PAGE_SIZE)
    lines = [ctx.t("directory.header", count=ranking.total, query=shown_query, page=page + 1, pages=pages)]
    rows: list[tuple[Button, ...]] = []
    for n, hit in enumerate(hits, start=page * PAGE_SIZE + 1):
        found = members[hit.member_id]
        venue = venues.get(found.home_venue_id) or ctx.t("directory.no_venue")
        lines.append("")
        lines.append(ctx.t("directory.entry", n=n, name=found.display_name, venue=venue))
        labels = [label for s in hit.skill_ids if (label := skill_map.label(s, ctx.locale))][:MAX_SKILLS_SHOWN]
        if labels:
            key = "directory.offers" if hit.tier == 1 else "directory.interested"
            lines.append(ctx.t(key, skills=", ".join(labels)))
        if found.bio:
            lines.append(ctx.t("directory.bio", bio=_short(found.bio, MAX_BIO)))
        if found.intro_opt_in:
            skill = hit.skill_ids[0] if hit.skill_ids else 0
            rows.append((Button(ctx.t("directory.ask", name=_short(found.display_name, MAX_NAME_IN_BUTTON)),
                                "ireq", f"{found.id}:{skill}"),))
        else:
            lines.append(ctx.t("directory.intros_off"))
    navigation = []
    button_query = _button_query(query)
    if page > 0:
        navigation.append(Button(ctx.t("directory.previous"), "dir", f"{page - 1}:{button_query}"))
    if page + 1 < pages:
        navigation.append(Button(ctx.t("directory.next"), "dir", f"{page + 1}:{button_query}"))
    if navigation:
        rows.append(tuple(navigation))
    return Reply("\n".join(lines), buttons=tuple(rows), private=True, edit=page > 0)


async def find(ctx: Context) -> Reply:
    if ctx.member is None:  # an animator who has not joined: the directory is for members
        return Reply(ctx.t("core.join_first"), private=True)
    query = normalize(ctx.args)
    if not query:
        return Reply(ctx.t("directory.usage"), private=True)
    return await _render(ctx, query, " ".join(ctx.args.split())[:80], 0)


async def page_pressed(ctx: Context) -> Reply:
    page_text, _, query = ctx.args.partition(":")
    query = normalize(query)  # the payload is untrusted: re-normalised, and the page re-checked
    page = parse_int(page_text, 0, 10_000)
    if ctx.member is None or page is None or not query:
        return ctx.expired()
    return await _render(ctx, query, query, page)


def register(registry: Registry) -> None:
    registry.command("find", fr="chercher", summary="directory.summary", args="directory.args",
                     access=Access.MEMBER, where=Where.PRIVATE, complete="skills", section="network",
                     order=20)(find)
    registry.action("dir", access=Access.MEMBER)(page_pressed)
