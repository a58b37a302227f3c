"""Skills typed in chat: /offer (/propose), /need (/besoin), /interest (/interet), and the buttons
that settle an ambiguous text.

`/offer impression 3D, compta` adds each skill the resolver recognises; an ambiguous text
("design") gets its candidates as buttons; an unknown one becomes a custom skill that animators
may later merge (`maillage skills merge`). `/offer -compta` (or `/offer remove compta`) removes.
`/offer` alone shows the list with a remove button per skill. When the resolver reads a text as a
skill of another name ("juriste" -> "Droit des affaires"), the summary says so. Onboarding and
/profile reuse `add_items` / `add_from_text`, `ask_choice`, `pick_choice` / `keep_choice` and
`kind_view`.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import select

from bot.context import Context
from bot.payloads import parse_id
from bot.registry import Access, Registry, Where
from bot.skills.normalize import sort_key
from bot.skills.resolver import MatchStatus
from bot.types import Button, Reply
from bot.shorten import shorten
from storage import member_skills as store
from storage.member_skills import AddOutcome, label_of
from storage.models import Skill

LETTER = {"offer": "o", "need": "n", "interest": "i"}
KIND = {letter: kind for kind, letter in LETTER.items()}
MAX_ITEMS = 10  # skills per message: more is a paste, not a profile
REMOVE_WORDS = ("remove", "retirer", "enlever", "supprimer", "delete")
REMOVE_CUTOFF = 80


UNDERSTOOD_CUTOFF = 85  # typed text this close to the label (a typo, an accent) needs no "understood as"


async def _add(ctx: Context, kind: str, skill: Skill, added: list[str], already: list[str], full: list[str],
               typed: str | None = None) -> None:
    assert ctx.member is not None
    outcome = await store.add_member_skill(ctx.session, ctx.member.id, kind, skill, ctx.now)
    label = label_of(skill, ctx.locale)
    if outcome is AddOutcome.ADDED and typed is not None:
        label = understood(ctx, typed, label)
    {AddOutcome.ADDED: added, AddOutcome.ALREADY: already, AddOutcome.FULL: full}[outcome].append(label)


def understood(ctx: Context, typed: str, label: str) -> str:
    """The label, saying what was typed when the resolver read it as something else
    ("juriste" -> "Droit des affaires"), so a narrowed meaning is never silent."""
    key, label_key = sort_key(typed), sort_key(label)
    if not key or label_key.startswith(key) or fuzz.ratio(key, label_key) >= UNDERSTOOD_CUTOFF:
        return label
    return ctx.t("skills.understood", text=typed[:40], skill=label)


def _summary(ctx: Context, kind: str, added: list[str], created: list[str], already: list[str],
             full: list[str]) -> list[str]:
    lines = []
    if added:
        lines.append(ctx.t(f"skills.added.{kind}", skills=", ".join(added)))
    if created:
        lines.append(ctx.t("skills.created", skills=", ".join(created)))
    if already:
        lines.append(ctx.t("skills.already", skills=", ".join(already)))
    if full:
        lines.append(ctx.t(f"skills.full.{kind}", limit=store.MAX_PER_KIND, command=_command(ctx, kind)))
    return lines


def _command(ctx: Context, kind: str) -> str:
    names = {"offer": ("offer", "propose"), "need": ("need", "besoin"), "interest": ("interest", "interet")}[kind]
    return "/" + (names[1] if ctx.locale == "fr" else names[0])


def _choice_reply(ctx: Context, kind: str, text: str, options: list[tuple[int, str]], pick: str, keep: str) -> Reply:
    """One ambiguous text: its candidates (database id, label) as buttons, and "keep my words"
    when the text fits in a button. `pick` and `keep` are the buttons' actions (onboarding has its
    own, which also move on to the next step)."""
    rows = [(Button(shorten(label, 60), pick, f"{LETTER[kind]}:{skill_id}"),) for skill_id, label in options]
    keep_button = Button(ctx.t("skills.keep_mine", text=text[:40]), keep, f"{LETTER[kind]}:{text}")
    try:
        keep_button.data  # noqa: B018 - raises when the typed text is too long for a button
        rows.append((keep_button,))
    except ValueError:
        pass
    return Reply(ctx.t("skills.which", text=text), buttons=tuple(rows))


async def add_items(ctx: Context, kind: str, text: str) -> tuple[list[str], list[str]]:
    """Resolve and add every skill in `text`: (summary lines, the texts that need a choice)."""
    items = store.split_skills(text)
    if not items:
        return [ctx.t(f"skills.empty.{kind}", command=_command(ctx, kind))], []
    resolver = await store.resolver(ctx.session)
    added: list[str] = []
    created: list[str] = []
    already: list[str] = []
    full: list[str] = []
    ambiguous: list[str] = []
    problems: list[str] = []
    for item in items[:MAX_ITEMS]:
        resolution = resolver.resolve(item, ctx.locale)
        if resolution.best is not None:
            skill = await store.skill_by_slug(ctx.session, resolution.best.skill_id)
            if skill is not None:
                await _add(ctx, kind, skill, added, already, full, typed=item)
                continue
        if resolution.candidates:
            ambiguous.append(item)
            continue
        problem = store.custom_label_problem(item)
        if problem:
            problems.append(ctx.t(f"skills.bad_label.{problem}", text=item[:40], limit=store.MAX_CUSTOM_LABEL))
            continue
        skill = await store.create_custom_skill(ctx.session, item, ctx.now)
        before = len(added)
        await _add(ctx, kind, skill, added, already, full)
        if len(added) > before:
            created.append(added.pop())
    lines = _summary(ctx, kind, added, created, already, full) + problems
    if len(items) > MAX_ITEMS:
        lines.append(ctx.t("skills.too_many", limit=MAX_ITEMS))
    return lines, ambiguous


async def add_from_text(ctx: Context, kind: str, text: str) -> list[Reply]:
    """Resolve and add every skill in `text`; one summary, plus a question per ambiguous skill."""
    lines, ambiguous = await add_items(ctx, kind, text)
    replies = [Reply("\n".join(lines))] if lines else []
    for item in ambiguous:
        question = await ask_choice(ctx, kind, item)
        if question is not None:
            replies.append(question)
    return replies


async def ask_choice(ctx: Context, kind: str, text: str, pick: str = "skpick", keep: str = "skkeep") -> Reply | None:
    """The question settling one ambiguous text (None if it no longer has candidates)."""
    resolution = await store.resolve(ctx.session, text, ctx.locale)
    if not resolution.candidates:
        return None
    # The resolver names skills by slug; the buttons carry the database id (shorter, and checked).
    slugs = [c.skill_id for c in resolution.candidates]
    ids = {slug: id_ for slug, id_ in await ctx.session.execute(select(Skill.slug, Skill.id).where(Skill.slug.in_(slugs)))}
    options = [(ids[c.skill_id], c.label) for c in resolution.candidates if c.skill_id in ids]
    return _choice_reply(ctx, kind, text, options, pick, keep)


def _parse(payload: str) -> tuple[str, str] | None:
    letter, sep, rest = payload.partition(":")
    if not sep or letter not in KIND or not rest:
        return None
    return KIND[letter], rest


async def pick_choice(ctx: Context, payload: str) -> tuple[str, list[str]] | None:
    """A candidate button's payload: add that skill (the id is re-read, never trusted).
    (kind, summary lines), or None for a forged or stale payload."""
    parsed = _parse(payload)
    skill_id = parse_id(parsed[1]) if parsed else None
    skill = await store.live_skill(ctx.session, skill_id) if skill_id is not None else None
    if parsed is None or skill is None:
        return None
    kind = parsed[0]
    added: list[str] = []
    already: list[str] = []
    full: list[str] = []
    await _add(ctx, kind, skill, added, already, full)
    return kind, _summary(ctx, kind, added, [], already, full)


async def keep_choice(ctx: Context, payload: str) -> tuple[str, list[str]] | None:
    """"None of these": keep the member's own words as a custom skill (unless they name a skill).
    (kind, summary lines), or None for a forged payload."""
    parsed = _parse(payload)
    if parsed is None or store.custom_label_problem(parsed[1]):
        return None
    kind, text = parsed
    resolution = await store.resolve(ctx.session, text, ctx.locale)
    skill = None
    if resolution.status is MatchStatus.EXACT:  # the words are a known skill's name: use it, not a twin
        skill = await store.skill_by_slug(ctx.session, resolution.candidates[0].skill_id)
    created = skill is None
    if skill is None:
        skill = await store.create_custom_skill(ctx.session, text, ctx.now)
    added: list[str] = []
    already: list[str] = []
    full: list[str] = []
    await _add(ctx, kind, skill, added, already, full)
    new = added if created else []
    return kind, _summary(ctx, kind, [] if created else added, new, already, full)


async def pick_pressed(ctx: Context) -> Reply:
    result = await pick_choice(ctx, ctx.args)
    if result is None:
        return ctx.expired()
    return Reply("\n".join(result[1]), edit=True)


async def keep_pressed(ctx: Context) -> Reply:
    result = await keep_choice(ctx, ctx.args)
    if result is None:
        return ctx.expired()
    return Reply("\n".join(result[1]), edit=True)


async def kind_view(ctx: Context, kind: str, edit: bool = False) -> Reply:
    """A member's offers (needs, interests) with a remove button each, and an add button."""
    assert ctx.member is not None
    skills = [skill for _, skill in await store.member_skills(ctx.session, ctx.member.id, kind)]
    labels = [label_of(s, ctx.locale) for s in skills]
    if labels:
        text = ctx.t(f"skills.list.{kind}", count=len(labels), limit=store.MAX_PER_KIND, skills=", ".join(labels))
    else:
        text = ctx.t(f"skills.list_empty.{kind}", command=_command(ctx, kind))
    remove = [Button(ctx.t("skills.remove_button", skill=label[:50]), "skrm", f"{LETTER[kind]}:{s.id}")
              for s, label in zip(skills, labels)]
    rows = [tuple(remove[i:i + 2]) for i in range(0, len(remove), 2)]
    rows.append((Button(ctx.t("skills.add_button"), "prof", f"add.{LETTER[kind]}"),
                 Button(ctx.t("skills.back_button"), "prof", "show")))
    return Reply(text, buttons=tuple(rows), edit=edit)


async def remove_pressed(ctx: Context) -> Reply:
    parsed = _parse(ctx.args)
    skill_id = parse_id(parsed[1]) if parsed else None
    if parsed is None or skill_id is None:
        return ctx.expired()
    assert ctx.member is not None
    await store.remove_member_skill(ctx.session, ctx.member.id, parsed[0], skill_id)
    return await kind_view(ctx, parsed[0], edit=True)


async def remove_text(ctx: Context, kind: str, text: str) -> Reply:
    """Remove by typed name: the resolved skill if the member has it, else their closest label."""
    assert ctx.member is not None
    mine = {skill.slug: skill for _, skill in await store.member_skills(ctx.session, ctx.member.id, kind)}
    resolution = await store.resolve(ctx.session, text, ctx.locale)
    target = next((mine[c.skill_id] for c in resolution.candidates if c.skill_id in mine), None)
    if target is None and mine:
        labels = {sort_key(label_of(s, ctx.locale)): s for s in mine.values()}
        found = process.extractOne(sort_key(text), list(labels), scorer=fuzz.ratio, score_cutoff=REMOVE_CUTOFF)
        target = labels[found[0]] if found else None
    if target is None:
        return Reply(ctx.t(f"skills.not_yours.{kind}", text=text[:60], command=_command(ctx, kind)))
    await store.remove_member_skill(ctx.session, ctx.member.id, kind, target.id)
    return Reply(ctx.t(f"skills.removed.{kind}", skill=label_of(target, ctx.locale)))


def _removal(args: str) -> str | None:
    """The skill text of a removal ("-compta", "remove compta", "retirer compta"), else None."""
    if args.startswith("-"):
        return args[1:].strip()
    first, _, rest = args.partition(" ")
    return rest.strip() if first.lower() in REMOVE_WORDS and rest.strip() else None


def _command_for(kind: str):
    async def handle(ctx: Context) -> list[Reply] | Reply:
        if not ctx.args:
            return await kind_view(ctx, kind)
        removal = _removal(ctx.args)
        if removal is not None:
            return await remove_text(ctx, kind, removal) if removal else await kind_view(ctx, kind)
        return await add_from_text(ctx, kind, ctx.args)

    return handle


async def complete_skills(ctx: Context, prefix: str) -> list[tuple[str, str]]:
    """Autocomplete for a skill argument: (text to send, label shown), in the person's language."""
    resolver = await store.resolver(ctx.session)
    return [(s.label, s.label) for s in resolver.suggest(prefix, ctx.locale, limit=25)]


def register(registry: Registry) -> None:
    for order, (kind, fr) in enumerate((("offer", "propose"), ("need", "besoin"), ("interest", "interet"))):
        registry.command(kind, fr=fr, summary=f"skills.summary.{kind}", args="skills.args", access=Access.MEMBER,
                         where=Where.PRIVATE, complete="skills", section="profile",
                         order=12 + order)(_command_for(kind))
    for action, handler in (("skpick", pick_pressed), ("skkeep", keep_pressed), ("skrm", remove_pressed)):
        registry.action(action, access=Access.MEMBER)(handler)
    registry.completer("skills")(complete_skills)
