"""A typo-tolerant word index over members' bios, for the directory's second tier.

Bios are cut into words the way skills are (case, accents, punctuation and FR/EN stop words do not
count: `bot.skills.normalize.tokens`). A query word matches a bio word that is equal, that it
begins (`compta` -> `comptabilite`, from four letters), or that is close by rapidfuzz's ratio
(`menuisier` ~ `menuiserie`). A member's score is the mean, over the query's words, of the best
match for each word: a bio matching every word ranks above one matching half of them.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from collections.abc import Callable, Iterable

from rapidfuzz import fuzz, process

from bot.skills.normalize import tokens

MIN_WORD = 2  # shorter words ("a", "j") carry nothing
PREFIX_MIN = 4  # a typed word this long may be the start of a longer one
PREFIX_SCORE = 90.0
FUZZY_CUTOFF = 82.0  # below this, two words are different words
MAX_FUZZY = 8  # close words considered per query word
MAX_CACHED = 5_000
MAX_QUERY_WORDS = 6  # the split below is exponential in the number of words: a query is a few words


def words_of(text: str) -> set[str]:
    """The indexable words of a bio. Normalising is per-character work, and bios share most of
    their words, so each whitespace-separated chunk is normalised once per process (cached)."""
    found: set[str] = set()
    for chunk in text.split():
        found.update(_chunk_words(chunk))
    return found


@lru_cache(maxsize=200_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(word for word in tokens(chunk) if len(word) >= MIN_WORD and not word.isdigit())


class TextIndex:
    """Word -> member ids, with a sorted vocabulary for prefixes and fuzzy look-ups."""

    def __init__(self) -> None:
        self._postings: dict[str, set[int]] = {}
        self._words_of: dict[int, frozenset[str]] = {}
        self._vocab: list[str] | None = []
        self._matches: dict[str, tuple[tuple[str, float], ...]] = {}

    def __len__(self) -> int:
        return len(self._words_of)

    def add(self, member_id: int, text: str) -> None:
        self.remove(member_id)
        words = frozenset(words_of(text))
        if not words:
            return
        self._words_of[member_id] = words
        for word in words:
            postings = self._postings.get(word)
            if postings is None:
                self._postings[word] = {member_id}
                self._vocab = None  # a new word: the vocabulary and cached look-ups are stale
            else:
                postings.add(member_id)

    def remove(self, member_id: int) -> None:
        for word in self._words_of.pop(member_id, ()):
            postings = self._postings[word]
            postings.discard(member_id)
            if not postings:
                del self._postings[word]
                self._vocab = None

    def _ready(self) -> list[str]:
        if self._vocab is None:
            self._vocab = sorted(self._postings)
            self._matches = {}
        return self._vocab

    def word_matches(self, word: str) -> tuple[tuple[str, float], ...]:
        """Bio words that `word` may mean, with a similarity 0-100, best first."""
        vocab = self._ready()
        cached = self._matches.get(word)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 100.0
        if len(word) >= PREFIX_MIN:
            for n in range(bisect_left(vocab, word), len(vocab)):
                if not vocab[n].startswith(word):
                    break
                found.setdefault(vocab[n], PREFIX_SCORE)
            for candidate, score, _ in process.extract(word, vocab, scorer=fuzz.ratio, limit=MAX_FUZZY,
                                                       score_cutoff=FUZZY_CUTOFF):
                found[candidate] = max(found.get(candidate, 0.0), score)
        result = tuple(sorted(found.items(), key=lambda item: -item[1]))
        if len(self._matches) >= MAX_CACHED:
            self._matches.clear()
        self._matches[word] = result
        return result

    def search(self, query_words: Iterable[str],
               keep: Callable[[set[int]], set[int]] | None = None) -> list[tuple[float, set[int]]]:
        """Members whose bio matches some query word, as (score 0-100, members) groups, best first.

        A member's score is the mean over the query's words of the best match for each word.
        Everything is set algebra (run in C), so a word found in 20,000 bios costs no Python loop
        over those members: each word has a few match levels (exact, prefix, close), and members are
        split by the level they reach for each word in turn. `keep` filters a set of member ids
        (the viewer's visibility) before anything else.
        """
        words = [word for word in dict.fromkeys(query_words) if len(word) >= MIN_WORD][:MAX_QUERY_WORDS]
        if not words:
            return []
        levels: list[list[tuple[float, set[int]]]] = []
        for word in words:
            covered: set[int] = set()
            word_levels: list[tuple[float, set[int]]] = []
            for candidate, score in self.word_matches(word):  # best first: a member keeps their best level
                members = self._postings[candidate]
                members = keep(members) if keep is not None else set(members)
                new = members - covered
                if new:
                    covered |= new
                    if word_levels and word_levels[-1][0] == score:
                        word_levels[-1][1].update(new)
                    else:
                        word_levels.append((score, new))
            levels.append(word_levels)
        everyone = set().union(*(members for word_levels in levels for _, members in word_levels))
        totals: dict[float, set[int]] = {}
        self._split(everyone, levels, 0.0, totals)
        return sorted(((total / len(words), members) for total, members in totals.items() if total > 0),
                      key=lambda group: -group[0])

    def _split(self, members: set[int], levels: list[list[tuple[float, set[int]]]], total: float,
               into: dict[float, set[int]]) -> None:
        """Partition `members` by the sum of their level scores over the remaining words."""
        if not members:
            return
        if not levels:
            into.setdefault(total, set()).update(members)
            return
        rest = members
        for score, level in levels[0]:
            inside = rest & level
            if inside:
                rest = rest - inside
                self._split(inside, levels[1:], total + score, into)
        self._split(rest, levels[1:], total, into)  # members without this word
