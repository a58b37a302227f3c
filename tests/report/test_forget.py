"""The figures survive /forget: past periods do not move, today's share is kept as counts, and the
database keeps nothing of the person. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from reportkit import PERIOD, seed
from bot.report.aggregate import close_days, last_closed
from bot.report.days import Period
from bot.report.figures import totals
from bot.report.service import build_report
from storage.models import Base, Identity, Member
from storage.models.report import ReportCarried, ReportDaily


class Undo(Exception):
    pass


async def report(app, period=PERIOD, *, keep: bool = True):
    """The report's document; with keep=False, everything it wrote (the closed days) is rolled back."""
    try:
        async with app.db.session() as session:
            document = await build_report(session, app.config, period, now=app.clock.now(), locale="en")
            if not keep:
                raise Undo
    except Undo:
        pass
    document.pop("generated_at")
    return document


async def forget(app, memory, member_id: int) -> None:
    async with app.db.session() as session:
        user_id = (await session.execute(select(Identity.platform_user_id)
                                         .where(Identity.member_id == member_id))).scalar_one()
    user = memory.user(user_id)
    await user.send("/oublier")
    [reply] = await user.press("Oui")
    assert "effacé" in reply.text, reply.text


async def everything_in_the_database(app) -> str:
    dump = []
    async with app.db.session() as session:
        for table in Base.metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in await session.execute(select(table))]
    return "\n".join(dump)


async def test_forget_leaves_past_figures_unchanged_and_no_trace(any_app, memory):
    ids = await seed(any_app)
    # Nothing is aggregated yet when the member leaves: the erasure itself closes the past days first.
    before = await report(any_app, keep=False)
    async with any_app.db.session() as session:
        assert await last_closed(session) is None
    # The first member of Le Hangar: RSVPs, an accepted introduction, messages, a skill.
    member_id = ids["old_hangar"][0]
    async with any_app.db.session() as session:
        name = (await session.get(Member, member_id)).display_name
    await forget(any_app, memory, member_id)
    after = await report(any_app)
    assert after == before
    async with any_app.db.session() as session:
        assert await session.get(Member, member_id) is None
    dump = await everything_in_the_database(any_app)
    assert name not in dump and f"'{name}'" not in dump
    assert "Departures" in str(after)  # the light-touch section still renders


async def test_the_share_of_today_is_kept_when_someone_leaves_today(any_app, memory, clock):
    net = (await seed(any_app))["net"]
    now = clock.now()
    [newcomer] = await net.members(1, "moulin", now - timedelta(hours=1), offers=["3d-printing"])
    [visitor] = await net.members(1, "fabrique", now - timedelta(hours=1))
    await net.event(["moulin"], now + timedelta(hours=1), going=[newcomer, visitor], capacity=4)
    await net.messages(newcomer, 2, now - timedelta(minutes=30), nudge=True)
    today = Period(date(2026, 11, 25), date(2026, 11, 25))
    async with any_app.db.session() as session:
        live = await totals(session, any_app.config, today, now)
    assert live.flow("members.new", 0) == 2 and live.flow("events.visitors", 0) == 1
    await forget(any_app, memory, newcomer)
    # The day ends; the nightly job closes it from rows where the newcomer no longer is.
    clock.advance(days=1)
    async with any_app.db.session() as session:
        assert await close_days(session, any_app.config, clock.now()) == 1
    async with any_app.db.session() as session:
        closed = await totals(session, any_app.config, today, clock.now())
    kept = {k: v for k, v in closed.flows.items() if k[0] != "members.forgotten"}
    assert kept == dict(live.flows)
    assert closed.flow("members.forgotten", 0) == 1
    # At the end of the day the newcomer is no longer a member: the carried level says so.
    assert closed.stock("members.total", 0) == live.stock("members.total", 0) - 1


async def test_closing_days_is_idempotent_and_stocks_are_carried(app, clock):
    ids = await seed(app)
    async with app.db.session() as session:
        closed = await close_days(session, app.config, clock.now())
    assert closed == (date(2026, 11, 24) - date(2026, 10, 15)).days + 1  # from the oldest data to yesterday
    async with app.db.session() as session:
        assert await close_days(session, app.config, clock.now()) == 0
        rows = (await session.execute(select(ReportDaily).where(ReportDaily.metric == "members.new",
                                                                ReportDaily.venue_id == 0))).scalars().all()
    assert sorted((r.day.isoformat(), r.count) for r in rows) == [
        ("2026-10-15", 8), ("2026-11-05", 10), ("2026-11-22", 1)]
    # A week later, with nothing new, the levels are carried: no new stock row is needed.
    totals_rows = select(func.count()).select_from(ReportCarried).where(ReportCarried.metric == "members.total")
    async with app.db.session() as session:
        written = (await session.execute(totals_rows)).scalar_one()
    clock.advance(days=7)
    async with app.db.session() as session:
        assert await close_days(session, app.config, clock.now()) == 7
        assert (await session.execute(totals_rows)).scalar_one() == written
        after = await totals(session, app.config, Period(date(2026, 11, 28), date(2026, 11, 30)), clock.now())
    assert after.stock("members.total", 0) == 19 and ids
