"""`maillage skills list [--custom]`, `maillage skills merge CUSTOM_SLUG TARGET_SLUG` and
`maillage skills repair [--dry-run]`.

Members' unknown skills become custom skills; animators review them here and merge each into a
canonical skill: members' links move to it, and the custom label becomes one more name of it, so
the next person typing it lands on the canonical skill.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import func, select

from bot.cli import config_from, exit_status_with_database
from storage import member_skills
from storage.models import MemberSkill, Skill
from storage.skills import sync_taxonomy


def _list(args: argparse.Namespace) -> int:
    config = config_from(args)

    async def work(session) -> int:
        await sync_taxonomy(session)
        if args.custom:
            rows = await member_skills.custom_skills(session, include_merged=args.all)
            for skill, members in rows:
                merged = ""
                if skill.merged_into_id is not None:
                    merged = f"\tmerged into {(await session.get(Skill, skill.merged_into_id)).slug}"
                print(f"{skill.slug}\t{skill.label_fr}\t{members} member(s){merged}")
            print(f"{len(rows)} custom skill(s)", file=sys.stderr)
            return 0
        users = func.count(MemberSkill.member_id)
        statement = (select(Skill.slug, Skill.category, Skill.label_fr, Skill.label_en, users)
                     .outerjoin(MemberSkill, MemberSkill.skill_id == Skill.id)
                     .where(Skill.custom.is_(False)).group_by(Skill.id).order_by(Skill.category, Skill.slug))
        count = 0
        for slug, category, label_fr, label_en, members in await session.execute(statement):
            print(f"{slug}\t{category}\t{label_fr}\t{label_en}\t{members} member(s)")
            count += 1
        print(f"{count} skill(s); custom ones: maillage skills list --custom", file=sys.stderr)
        return 0

    return exit_status_with_database(config, work)


def _merge(args: argparse.Namespace) -> int:
    config = config_from(args)

    async def work(session) -> int:
        await sync_taxonomy(session)
        try:
            moved = await member_skills.merge_custom(session, args.custom_slug, args.target_slug)
        except LookupError as error:
            print(f"maillage: {error.args[0]} (see `maillage skills list --custom`)", file=sys.stderr)
            return 1
        print(f"merged {args.custom_slug} into {args.target_slug}: {moved} member link(s) moved")
        return 0

    return exit_status_with_database(config, work)


def _repair(args: argparse.Namespace) -> int:
    from bot.imports.skills_repair import repair_custom_skills

    config = config_from(args)

    async def work(session) -> int:
        await sync_taxonomy(session)
        folds = await repair_custom_skills(session, dry_run=args.dry_run)
        for fold in folds:
            moved = "" if args.dry_run else f"\t{fold.moved} member link(s) moved"
            print(f"{fold.custom_slug}\t{fold.label}\t-> {fold.target_slug}{moved}")
        verb = "would fold" if args.dry_run else "folded"
        print(f"{verb} {len(folds)} custom skill(s) into the taxonomy; the others: maillage skills list --custom",
              file=sys.stderr)
        return 0

    return exit_status_with_database(config, work)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    skills = subparsers.add_parser("skills", help="the skills taxonomy and members' custom skills",
                                   description="List skills; merge members' custom skills into canonical ones.")
    actions = skills.add_subparsers(dest="skills_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="skills with how many members use each",
                                 description="Print the taxonomy's skills, or with --custom the skills members "
                                             "typed that the taxonomy did not know, most used first.")
    listing.add_argument("--custom", action="store_true", help="only members' custom skills")
    listing.add_argument("--all", action="store_true", help="with --custom: include those already merged")
    listing.set_defaults(func=_list)
    merge = actions.add_parser("merge", help="fold a custom skill into another skill",
                               description="Move every member's link from a custom skill to another skill "
                                           "(usually a canonical one); the custom label keeps resolving to it.")
    merge.add_argument("custom_slug", metavar="CUSTOM_SLUG", help="the custom skill (custom-...)")
    merge.add_argument("target_slug", metavar="CANONICAL_SLUG", help="the skill to merge it into")
    merge.set_defaults(func=_merge)
    repair = actions.add_parser("repair", help="fold custom skills that the taxonomy knows into it",
                                description="Merge every custom skill whose label the taxonomy resolves with "
                                            "confidence (e.g. custom-comptabilite into accounting), as `merge` "
                                            "would; ambiguous and unknown ones stay for review.")
    repair.add_argument("--dry-run", action="store_true", help="list the folds, change nothing")
    repair.set_defaults(func=_repair)
