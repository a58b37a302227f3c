"""Benchmark of the skill resolver: index build, resolve / search / suggest latency, typo recall.

Run from the repository root: ``python -m bench.bench_skills`` (a few seconds). Target: resolving
takes well under 1 ms typical (p50) on the project machine. Queries are every taxonomy label plus
deterministic one-typo variants of them (a letter dropped, two swapped, one doubled) and a few
texts that match nothing; "recall" is how often a typo'd label still finds its own skill.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from bench.guard import require
from bot.skills.resolver import MatchStatus, SkillResolver
from bot.skills.taxonomy import load_taxonomy

TARGET_P50_MS = 1.0
UNKNOWN = ["plongée sous-marine", "kitesurf", "astrophysique", "cornemuse", "parapente", "xyzzy"]


def typo(text: str, rng: random.Random) -> str:
    """One keyboard-style slip in the longest word of ``text``."""
    words = text.split()
    i = max(range(len(words)), key=lambda n: len(words[n]))
    word = words[i]
    if len(word) < 5:
        return text
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "swap", "double"))
    if kind == "drop":
        word = word[:pos] + word[pos + 1 :]
    elif kind == "swap":
        word = word[: pos - 1] + word[pos] + word[pos - 1] + word[pos + 1 :]
    else:
        word = word[:pos] + word[pos] + word[pos:]
    return " ".join([*words[:i], word, *words[i + 1 :]])


def timed(func: Callable[[str], object], queries: list[str]) -> list[float]:
    samples = []
    for query in queries:
        start = time.perf_counter()
        func(query)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    p50 = statistics.median(samples)
    return f"{name:<28} {len(samples):>6} {p50:>9.3f} {p95:>9.3f} {ordered[-1]:>9.3f}"


def main() -> None:
    rng = random.Random(7)
    taxonomy = load_taxonomy()
    labels = [(skill.id, label) for skill in taxonomy for label in (skill.label_fr, skill.label_en)]
    typos = [(skill_id, typo(label, rng)) for skill_id, label in labels]
    unchanged = {label for _, label in labels}
    typos = [(skill_id, text) for skill_id, text in typos if text not in unchanged]
    queries = [text for _, text in labels] + [text for _, text in typos] + UNKNOWN

    start = time.perf_counter()
    resolver = SkillResolver()
    resolver.resolve("warm up")  # the index is built lazily on first use
    build_ms = (time.perf_counter() - start) * 1000

    cold = timed(resolver.resolve, queries)  # first time each typo'd word is corrected
    warm = timed(resolver.resolve, queries)
    search = timed(resolver.search_ids, queries)
    prefixes = sorted({text[:n] for text in queries for n in (2, 4, 6)})
    suggest = timed(resolver.suggest, prefixes)

    found = ambiguous = 0
    for skill_id, text in typos:
        resolution = resolver.resolve(text)
        if resolution.skill_id == skill_id:
            found += 1
        elif resolution.status is MatchStatus.AMBIGUOUS and skill_id in {
            c.skill_id for c in resolution.candidates
        }:
            ambiguous += 1

    require(len(taxonomy), "taxonomy skills")
    require(found, "typos resolved to their skill")
    print(f"skills: {len(taxonomy)}   index build: {build_ms:.1f} ms")
    print(f"{'operation (ms)':<28} {'n':>6} {'p50':>9} {'p95':>9} {'max':>9}")
    print(row("resolve (first time)", cold))
    print(row("resolve (typos remembered)", warm))
    print(row("search_ids", search))
    print(row("suggest (2-6 letters)", suggest))
    print(
        f"typo recall: {found}/{len(typos)} resolved to their skill"
        f" ({100 * found / len(typos):.1f}%), "
        f"{ambiguous} more offered among ambiguous candidates"
    )
    verdict = "OK" if statistics.median(cold) < TARGET_P50_MS else "SLOW"
    print(f"target resolve p50 < {TARGET_P50_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
