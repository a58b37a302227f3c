"""The score of a pair and its hard rules, in one place.

The term functions take plain numbers or numpy arrays alike, so the vectorized candidate graph
(`graph.py`) and the explanation of one pair (`explain`) compute exactly the same score.
"""

from __future__ import annotations

import numpy as np

from bot.geo import haversine_km
from bot.matchmaking.engine.model import Candidate, History, Reason, VenuePreference, Weights, pair_key



def need_term(matched_skills, w: Weights):
    """Score of one need<->offer direction given how many skills match in it (0 -> 0)."""
    counted = np.minimum(matched_skills, w.max_counted_skills)
    return np.where(counted > 0, w.need_offer + w.need_offer_extra_skill * (counted - 1), 0.0)


def interest_term(shared, w: Weights):
    return w.shared_interest * np.minimum(shared, w.max_counted_skills)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    return haversine_km(*a, *b)


def cross_venue_term(recent: int, km: float | None, w: Weights) -> float:
    """Score of a pair from two different venues that met `recent` times lately, `km` apart."""
    closeness = 0.0 if km is None else max(0.0, 1.0 - km / w.distance_scale_km)
    return w.cross_venue + w.rare_venue_pair_bonus / (1 + recent) + w.distance * closeness


def same_venue(a: Candidate, b: Candidate) -> bool:
    return a.venue_id is not None and a.venue_id == b.venue_id


def same_venue_penalised(a: Candidate, b: Candidate) -> bool:
    """A same-venue pair loses `same_venue_penalty` unless both said the same venue is fine."""
    ok = VenuePreference.SAME_VENUE_OK
    return same_venue(a, b) and not (a.preference is ok and b.preference is ok)


def allowed(a: Candidate, b: Candidate) -> bool:
    """The hard rules: a shared language, no "never with" either way, "other venues only" kept."""
    if a.member_id == b.member_id or not (a.languages & b.languages):
        return False
    if b.member_id in a.never_with or a.member_id in b.never_with:
        return False
    only = VenuePreference.OTHER_VENUES_ONLY
    return not (same_venue(a, b) and (a.preference is only or b.preference is only))


def explain(a: Candidate, b: Candidate, history: History, w: Weights) -> tuple[float, list[Reason]]:
    """The score of the pair (a, b) and its reasons. Hard rules are not checked here: see `allowed`.

    A pair with neither a need<->offer link nor a shared interest has no reason to be introduced;
    its score is still returned (for diagnostics) but `viable` rejects it.
    """
    reasons: list[Reason] = []
    score = 0.0
    for needer, offerer in ((a, b), (b, a)):
        skills = needer.needs & offerer.offers
        if skills:
            score += float(need_term(len(skills), w))
            reasons.append(Reason("need_offer", {
                "needer": needer.member_id, "offerer": offerer.member_id, "skills": sorted(skills)}))
    members = [a.member_id, b.member_id]
    shared = a.interests & b.interests
    if shared:
        score += float(interest_term(len(shared), w))
        reasons.append(Reason("shared_interest", {"members": members, "skills": sorted(shared)}))
    if a.venue_id is not None and b.venue_id is not None and a.venue_id != b.venue_id:
        recent = history.venue_pair_counts.get(pair_key(a.venue_id, b.venue_id), 0)
        # Distance matters only to people who may meet in person (issue 17).
        in_person = not (a.by_video or b.by_video)
        km = distance_km(a.coordinates, b.coordinates) if in_person and a.coordinates and b.coordinates else None
        score += cross_venue_term(recent, km, w)
        reasons.append(Reason("cross_venue", {
            "members": members, "venues": [a.venue_id, b.venue_id], "recent": recent,
            "distance_km": None if km is None else round(km, 1)}))
    elif same_venue(a, b):
        if same_venue_penalised(a, b):
            score -= w.same_venue_penalty
        reasons.append(Reason("same_venue", {"members": members, "venue": a.venue_id}))
    ago = history.rounds_since(a.member_id, b.member_id)
    if ago is not None and ago < w.repeat_window_rounds:
        reasons.append(Reason("repeat", {"members": members, "rounds_ago": ago}))
    return score, reasons


def has_link(a: Candidate, b: Candidate) -> bool:
    """Whether the pair has a reason of substance: a need met by an offer, or a shared interest."""
    return bool(a.needs & b.offers or b.needs & a.offers or a.interests & b.interests)


def viable(a: Candidate, b: Candidate, history: History, w: Weights) -> bool:
    """Whether the pair may be proposed at all (repeats aside): hard rules, a link, min_score."""
    return allowed(a, b) and has_link(a, b) and explain(a, b, history, w)[0] >= w.min_score
