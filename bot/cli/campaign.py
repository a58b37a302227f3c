"""`maillage campaign ...`: the chat's /campaign from the command line (for animators and operators).

    maillage campaign list [--format text|json]
    maillage campaign create --author telegram:123 --fr TEXT [--en TEXT] [--audience FILTERS] [--at WHEN]
                             [--link URL] [--poll "Oui / Non"] [--interested] [--draft]
    maillage campaign preview ID          (headcount split, as the chat's preview)
    maillage campaign stats ID [--format text|json]
    maillage campaign pause|resume|cancel|stop ID

The running bot's job sends what is scheduled; `create` without --draft schedules at once. The
audience and --at take the same words as the chat ("propose: impression 3d ; langue: en",
"jeudi 9h sur 2h", "chaque lundi 10h"). Errors name the option and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from bot.campaigns.audience import Audience, AudienceError, parse_audience
from bot.campaigns.results import campaign_stats
from bot.campaigns.schedule import ScheduleError, parse_schedule_text
from bot.campaigns.sending import LATER, MUTED, NO_BUDGET, NOW, UNREACHABLE, headcount, key_prefix
from bot.cli import config_from, exit_status_with_database
from bot.config import Config
from bot.i18n import translate
from storage.models import Identity, OutboxMessage
from storage.models.campaigns import Campaign, CampaignStatus
from storage.models.runtime import OutboxStatus

EXIT_USAGE = 2


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    campaign = subparsers.add_parser("campaign", help="campaigns: list, create, preview, stats, pause, resume, cancel, stop",
                                     description="Campaigns to members, as /campaign does in the chat.")
    actions = campaign.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every campaign with its status", description="List campaigns.")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(func=_list)
    create = actions.add_parser("create", help="write a campaign (scheduled unless --draft)", description=(
        "Write a campaign. --audience and --at take the chat's words; the running bot sends it."))
    create.add_argument("--author", required=True, metavar="PLATFORM:USER",
                        help="the animator it is sent for, as in [network].animators (e.g. telegram:123456789)")
    create.add_argument("--fr", default="", help="the message in French")
    create.add_argument("--en", default="", help="the message in English")
    create.add_argument("--audience", default="", help='filters, e.g. "lieu: hangar ; propose: impression 3d"')
    create.add_argument("--at", default="maintenant", help='when: "maintenant", "jeudi 9h sur 2h", ISO, "chaque lundi 10h"')
    create.add_argument("--link", help="a link button")
    create.add_argument("--poll", help='two to four answers separated by "/"')
    create.add_argument("--interested", action="store_true", help='an "I\'m interested" button (introduces the author)')
    create.add_argument("--draft", action="store_true", help="keep it as a draft instead of scheduling it")
    create.set_defaults(func=_create)
    for name, text in (("preview", "the headcount split if it went now"), ("stats", "the results"),
                       ("pause", "pause a scheduled campaign"), ("resume", "schedule a paused campaign or a draft"),
                       ("cancel", "cancel a campaign before it goes"),
                       ("stop", "stop a sending campaign: what has not left never will")):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        action.add_argument("id", type=int, help="the campaign's number")
        if name == "stats":
            action.add_argument("--format", choices=("text", "json"), default="text")
        action.set_defaults(func=_one, action=name)


def _fail(message: str) -> int:
    print(f"maillage campaign: {message}", file=sys.stderr)
    return EXIT_USAGE


def _list(args: argparse.Namespace) -> int:
    async def work(session) -> int:
        rows = (await session.execute(select(Campaign).order_by(Campaign.id))).scalars().all()
        items = [{"id": c.id, "status": c.status, "send_at": c.send_at.isoformat() if c.send_at else None,
                  "text": (c.text_fr or c.text_en)[:60], "venue_id": c.venue_id, "recurring": c.recurring}
                 for c in rows]
        if args.format == "json":
            print(json.dumps(items, ensure_ascii=False, indent=2))
        else:
            for item in items:
                print(f"{item['id']:>4}  {item['status']:<10} {item['send_at'] or '-':<26} {item['text']}")
        return 0

    return exit_status_with_database(config_from(args), work)


def _create(args: argparse.Namespace) -> int:
    config = config_from(args)
    if args.author not in config.network.animators:
        return _fail(f'--author: "{args.author}" is not one of [network].animators')
    if not (args.fr.strip() or args.en.strip()):
        return _fail("--fr or --en: the message needs at least one language")
    poll = [o.strip() for o in (args.poll or "").split("/") if o.strip()]
    if args.poll is not None and not 2 <= len(poll) <= 4:
        return _fail("--poll: give two to four answers separated by /")
    platform, _, user_id = args.author.partition(":")
    now = datetime.now(timezone.utc)

    async def work(session) -> int:
        try:
            audience = await parse_audience(session, args.audience, config.network.default_locale,
                                             config.partners.kinds) \
                if args.audience.strip() else Audience()
        except AudienceError as error:
            return _fail("--audience: " + translate("en", error.key, **error.params))
        try:
            when = parse_schedule_text(args.at, now=now, timezone=config.network.timezone,
                                       locale=config.network.default_locale,
                                       max_spread=timedelta(hours=config.campaigns.max_spread_hours))
        except ScheduleError as error:
            return _fail("--at: " + translate("en", error.key, hours=config.campaigns.max_spread_hours))
        author = (await session.execute(select(Identity).where(Identity.platform == platform,
                                                               Identity.platform_user_id == user_id))).scalar_one_or_none()
        campaign = Campaign(author_id=author.member_id if author else None, author_platform=platform,
                            author_user_id=user_id, venue_id=None,
                            status=CampaignStatus.DRAFT if args.draft else CampaignStatus.SCHEDULED,
                            text_fr=args.fr.strip(), text_en=args.en.strip(), link_url=args.link, poll=poll,
                            interested=args.interested, audience=audience.dump(), send_at=when.at,
                            spread_minutes=int(when.spread.total_seconds() // 60), recurring=when.recurring,
                            occurrence=0, created_at=now)
        session.add(campaign)
        await session.flush()
        print(f"campaign {campaign.id}: {campaign.status}, sends at {campaign.send_at.isoformat()}")
        return 0

    return exit_status_with_database(config, work)


def _one(args: argparse.Namespace) -> int:
    config = config_from(args)

    async def work(session) -> int:
        campaign = await session.get(Campaign, args.id)
        if campaign is None:
            return _fail(f"no campaign {args.id} (see maillage campaign list)")
        return await ONE[args.action](session, config, campaign, args)

    return exit_status_with_database(config, work)


async def _preview(session, config: Config, campaign: Campaign, args) -> int:
    now = datetime.now(timezone.utc)
    count = await headcount(session, config, campaign, max(campaign.send_at or now, now), now)
    print(f"{count.total} members: {count[NOW]} now, {count[LATER]} after quiet hours, "
          f"{count[NO_BUDGET]} without budget, {count[MUTED] + count[UNREACHABLE]} muted or unreachable")
    return 0


async def _stats(session, config: Config, campaign: Campaign, args) -> int:
    stats = await campaign_stats(session, campaign)
    if args.format == "json":
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        for name, value in stats.items():
            print(f"{name:<15} {value}")
    return 0


async def _set_status(session, campaign: Campaign, allowed: tuple[str, ...], status: str) -> int:
    if campaign.status not in allowed:
        return _fail(f"campaign {campaign.id} is {campaign.status}: it cannot become {status}")
    campaign.status = status
    print(f"campaign {campaign.id}: {status}")
    return 0


async def _pause(session, config, campaign, args) -> int:
    return await _set_status(session, campaign, (CampaignStatus.SCHEDULED,), CampaignStatus.PAUSED)


async def _resume(session, config, campaign, args) -> int:
    return await _set_status(session, campaign, (CampaignStatus.PAUSED, CampaignStatus.DRAFT), CampaignStatus.SCHEDULED)


async def _cancel(session, config, campaign, args) -> int:
    return await _set_status(session, campaign, CampaignStatus.EDITABLE, CampaignStatus.CANCELLED)


async def _stop(session, config, campaign, args) -> int:
    status = await _set_status(session, campaign, (*CampaignStatus.LIVE, CampaignStatus.PAUSED, CampaignStatus.SENT),
                               CampaignStatus.STOPPED)
    if status == 0:
        result = await session.execute(update(OutboxMessage).where(
            OutboxMessage.key.like(key_prefix(campaign.id) + "%"), OutboxMessage.purpose == "campaign",
            OutboxMessage.status == OutboxStatus.PENDING).values(status=OutboxStatus.CANCELLED,
                                                                 last_error="the campaign was stopped"))
        print(f"{result.rowcount or 0} waiting messages cancelled")
    return status


ONE = {"preview": _preview, "stats": _stats, "pause": _pause, "resume": _resume, "cancel": _cancel, "stop": _stop}
