"""Benchmark of "in person or by video" and "where to meet" (issue 17): cost and effect on a round.

Run from the repository root: `python -m bench.bench_meet` (about a minute) or `--quick`. Prints two
tables, on the synthetic network of `bench.synthetic` where 60 % of members say "either", 20 % "in
person" and 20 % "video":

1. keeping in-person-only and video-only members apart: the time to prepare the candidates and the
   round's figures, with the language tokens Maillage uses and, for comparison, with "never with"
   lists (one entry per excluded pair), and with no exclusion at all (the quality reference);
2. meeting places for every introduction of the round: the time to build the venue x venue
   distances and choose for all introductions, the share of introductions with a place, at an
   event, by video, and the median longer trip.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np

from bench.guard import require
from bench.synthetic import synthetic_network
from bot.matchmaking.candidates import separate_meet_modes
from bot.matchmaking.engine import History, plan_round
from bot.matchmaking.meeting_place import EventInfo, Places, distances

MODES = (("either", 60), ("in_person", 20), ("video", 20))


def modes_for(members, seed: int) -> dict[int, str]:
    rng = random.Random(seed)
    names, weights = zip(*MODES)
    return {m.member_id: rng.choices(names, weights)[0] for m in members}


def never_with_lists(members, modes):
    """The alternative: every in-person-only member lists every video-only one (applied both ways)."""
    video = frozenset(m.member_id for m in members if modes[m.member_id] == "video")
    return [replace(m, never_with=m.never_with | video) if modes[m.member_id] == "in_person" else m for m in members]


def exclusion_table(sizes: list[int], never_with_max: int) -> None:
    print(f"{'members':>8} {'exclusion':>11} {'prepare s':>10} {'round s':>8} {'coverage':>9} {'cross':>6} "
          f"{'need':>6} {'bad pairs':>9}")
    for size in sizes:
        network = synthetic_network(size, venues=60, seed=size)
        modes = modes_for(network.members, size)
        ways = [("none", lambda ms: ms), ("tokens", lambda ms: separate_meet_modes(ms, modes))]
        if size <= never_with_max:
            ways.append(("never_with", lambda ms: never_with_lists(ms, modes)))
        for name, prepare in ways:
            start = time.perf_counter()
            candidates = prepare(list(network.members))
            prepared = time.perf_counter() - start
            start = time.perf_counter()
            plan = plan_round(candidates, History(), seed="bench")
            solved = time.perf_counter() - start
            require(plan.stats.introductions, f"introductions at {size} members ({name})")
            bad = sum(1 for intro in plan.introductions for a, b in intro.pairs()
                      if {modes[a], modes[b]} == {"in_person", "video"})
            s = plan.stats
            print(f"{size:>8} {name:>11} {prepared:>10.3f} {solved:>8.2f} {s.coverage:>9.3f} {s.cross_venue_share:>6.3f} "
                  f"{s.need_offer_share:>6.3f} {bad:>9}")


def places_table(sizes: list[int], venue_counts: list[int]) -> None:
    print(f"\n{'members':>8} {'venues':>7} {'intros':>7} {'distances s':>12} {'choose s':>9} {'placed':>7} "
          f"{'at event':>9} {'video':>6} {'median km':>10}")
    at = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    for size in sizes:
        for venues in venue_counts:
            network = synthetic_network(size, venues=venues, seed=size + venues)
            modes = modes_for(network.members, size)
            plan = plan_round(separate_meet_modes(list(network.members), modes), History(), seed="bench")
            require(plan.stats.introductions, f"introductions at {size} members")
            rng = random.Random(venues)
            located = [v for v in network.venues if v.coordinates is not None]
            events = {v.id: [EventInfo(v.id, "Apéro", at + timedelta(days=rng.randint(3, 13)), "Europe/Paris")]
                      for v in located if rng.random() < 0.3}
            start = time.perf_counter()
            places = Places([v.id for v in located], distances([v.coordinates for v in located]),
                            np.ones(len(located), dtype=bool), events)
            built = time.perf_counter() - start
            venue_of = network.venue_of()
            start = time.perf_counter()
            chosen = [places.choose([venue_of[m] for m in intro.members], [modes[m] for m in intro.members])
                      for intro in plan.introductions]
            choosing = time.perf_counter() - start
            n = len(chosen)
            placed = [p for p in chosen if p.mode == "in_person" and p.venue_id is not None]
            longer = [max(k for k in p.km) for p in placed if p.km and None not in p.km]
            print(f"{size:>8} {venues:>7} {n:>7} {built:>12.3f} {choosing:>9.3f} {len(placed) / n:>7.2f} "
                  f"{sum(1 for p in placed if p.event) / n:>9.2f} {sum(1 for p in chosen if p.mode == 'video') / n:>6.2f} "
                  f"{statistics.median(longer) if longer else 0:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    if args.quick:
        exclusion_table([500], never_with_max=500)
        places_table([500], [30])
    else:
        exclusion_table([500, 2000, 10000], never_with_max=2000)
        places_table([500, 10000], [30, 300])


if __name__ == "__main__":
    main()
