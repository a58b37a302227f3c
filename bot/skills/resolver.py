"""Turn free text typed by a member into skills: resolve, search and autocomplete.

Every name of every skill (both labels, all synonyms, custom labels, merge aliases) is normalised
once into a flat choice list (see ``normalize``); a query is normalised the same way and scored
against it, keeping each skill's best name. Two scores cover what members type:

* rapidfuzz ``fuzz.ratio`` on word-sorted text: typos anywhere, word order ignored
  ("impresion 3d", "3d printing" / "printing 3d");
* containment, what ``token_set_ratio`` scores 100 (one text's words all in the other's), found
  through a word index because token_set_ratio over every name costs ~1 ms. It is weighted down,
  so a generic query ("design") ties between the skills that contain it and is ambiguous, while a
  query with extra words ("soudure à l'arc pour débutants") still finds its skill.

Before scoring, query words that no skill name uses are corrected to the closest known word
("desing" -> "design"); scores from the corrected query are weighted down a little more.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from .normalize import lang_of, normalize, sort_key
from .taxonomy import Skill, Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

__all__ = ["Candidate", "MatchStatus", "Resolution", "SkillResolver", "Suggestion"]

CONFIDENT = 88.0  # a best score at least this high, clear of the runner-up, is confident
MARGIN = 3.0  # the runner-up must trail the best by more than this for a confident answer
FLOOR = 75.0  # below this nothing counts as a match (resolve: unknown; search: dropped)
WINDOW = 12.0  # ambiguous candidates are the ones within this of the best
MAX_CANDIDATES = 5
CONTAINED = 90.0  # "design" is contained in "ux design": a match, but not an equal one
LABEL_BONUS = 1.0  # ...contained in the skill's label rather than a synonym: more central
CATEGORY_BONUS = 0.5  # ...and in its category's name ("design", "data"). Bonuses only order
# ties; they never lift a contained match near an equal one.
CORRECTED_WEIGHT = 0.95  # scores computed after correcting typo'd words
# How close a typo'd word must be to a known word to be corrected. Short words need a closer
# match: one wrong letter in five is another word ("poney" is not "honey"), one missing is a typo.
WORD_CUTOFF, SHORT_WORD_CUTOFF, SHORT_WORD_LEN = 82.0, 88.0, 5
MIN_CORRECTED_LEN = 4  # shorter words are too easily "corrected" into something else
MAX_REMEMBERED_FIXES = 10_000
# Autocomplete ranks: a label starting with the typed text, then a synonym doing so, then names
# whose words start with the typed words in another order, then typo-tolerant matches.
SUGGEST_LABEL, SUGGEST_SYNONYM, SUGGEST_LABEL_WORDS, SUGGEST_SYNONYM_WORDS = 100.0, 98.0, 96.0, 94.0
SUGGEST_FUZZY_WEIGHT = 0.9
CATEGORY_SCORE = 75.0  # search: a query naming a category finds its skills, below direct hits


class MatchStatus(StrEnum):
    EXACT = "exact"  # the text is a name of the skill (up to case, accents, punctuation, order)
    CONFIDENT = "confident"  # a clear fuzzy winner
    AMBIGUOUS = "ambiguous"  # several close candidates: ask the member to pick
    UNKNOWN = "unknown"  # nothing close enough: the caller may create a custom skill


@dataclass(frozen=True, slots=True)
class Candidate:
    skill_id: str
    label: str  # in the requested locale
    score: float  # 0-100
    custom: bool = False


@dataclass(frozen=True, slots=True)
class Resolution:
    query: str
    status: MatchStatus
    candidates: tuple[Candidate, ...] = ()  # best first; empty when unknown

    @property
    def best(self) -> Candidate | None:
        """The chosen skill when exact or confident, else None (ask, or create a custom skill)."""
        if self.status in (MatchStatus.EXACT, MatchStatus.CONFIDENT):
            return self.candidates[0]
        return None

    @property
    def skill_id(self) -> str | None:
        return self.best.skill_id if self.best else None


@dataclass(frozen=True, slots=True)
class Suggestion:
    skill_id: str
    label: str  # in the requested locale, what an autocomplete list shows
    score: float


class SkillResolver:
    """Fuzzy FR/EN skill lookup over the taxonomy plus runtime custom skills and aliases.

    Not thread-safe for mutation; within one asyncio loop it is safe to share.
    """

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        custom: Iterable[tuple[str, str]] = (),
        aliases: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Build the index.

        Args:
            taxonomy: the canonical skills (default: the packaged taxonomy).
            custom: ``(skill_id, label)`` of member-created skills.
            aliases: ``(skill_id, text)`` extra names, e.g. a custom label merged into a skill.
        """
        self._taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self._skills: dict[str, Skill] = {skill.id: skill for skill in self._taxonomy}
        self._aliases: dict[str, list[str]] = {}
        self._popularity: dict[str, int] = {}
        self._dirty = True  # the index is built on first use
        for skill_id, label in custom:
            self.add_custom(skill_id, label)
        for skill_id, text in aliases:
            self.add_alias(skill_id, text)

    # -- mutation: additions extend the index; removals rebuild it (~50 ms) ----------------------

    def add_custom(self, skill_id: str, label: str) -> Skill:
        """Register a member-created skill so later texts resolve to it."""
        if skill_id in self._skills:
            raise ValueError(f"skill id {skill_id!r} already exists")
        if not sort_key(label):
            raise ValueError(f"custom skill label {label!r} has no meaningful word")
        skill = Skill.custom_skill(skill_id, label.strip())
        self._skills[skill_id] = skill
        self._add_to_index(skill, (skill.label_fr,))
        return skill

    def add_alias(self, skill_id: str, text: str) -> None:
        """Make ``text`` one more name of ``skill_id`` (used when merging a custom skill)."""
        if skill_id not in self._skills:
            raise KeyError(skill_id)
        self._aliases.setdefault(skill_id, []).append(text)
        self._add_to_index(self._skills[skill_id], (text,))

    def remove(self, skill_id: str) -> None:
        """Forget a custom skill and its aliases (canonical skills cannot be removed)."""
        skill = self._skills.get(skill_id)
        if skill is None or not skill.custom:
            raise KeyError(skill_id)
        del self._skills[skill_id]
        self._aliases.pop(skill_id, None)
        self._dirty = True

    def merge(self, custom_id: str, into_id: str) -> None:
        """Fold a custom skill into another skill: its label (and aliases) now name ``into_id``."""
        skill = self._skills.get(custom_id)
        if skill is None or not skill.custom or into_id not in self._skills or into_id == custom_id:
            raise KeyError(custom_id if skill is None or not skill.custom else into_id)
        names = [skill.label_fr, *self._aliases.get(custom_id, ())]
        self.remove(custom_id)
        for name in names:
            self.add_alias(into_id, name)

    def _add_to_index(self, skill: Skill, names: tuple[str, ...]) -> None:
        if not self._dirty:  # extend a built index instead of rebuilding it
            self._index_skill(skill, names)
            self._fixes.clear()  # new words may be the better correction of a remembered typo

    def set_popularity(self, counts: Mapping[str, int]) -> None:
        """How many members use each skill: orders equally good candidates (never the status)."""
        self._popularity = dict(counts)

    def get(self, skill_id: str) -> Skill | None:
        return self._skills.get(skill_id)

    # -- index ------------------------------------------------------------------------------

    def _build(self) -> None:
        self._exact: dict[str, str] = {}  # sort key -> the one skill it names
        self._keys_of: dict[str, set[str]] = {}  # skill id -> its indexed sort keys
        # Parallel lists, one entry per distinct (skill, name):
        self._keys: list[str] = []  # sort keys, what fuzz.ratio compares
        self._ordered: list[str] = []  # normalised in typed order, for autocomplete prefixes
        self._owners: list[str] = []
        self._is_label: list[bool] = []
        self._name_words: list[frozenset[str]] = []
        self._postings: dict[str, list[int]] = {}  # word -> names containing it
        self._vocab: list[str] = []  # sorted: typo corrections and autocomplete prefixes
        self._vocab_set: set[str] = set()
        self._rank: dict[str, int] = {}  # taxonomy order, the last tie-breaker
        self._sortable: dict[str, dict[str, str]] = {"fr": {}, "en": {}}  # folded labels
        for skill in self._skills.values():  # canonical skills first: they win name clashes
            self._index_skill(skill, (*skill.names(), *self._aliases.get(skill.id, ())))
        self._index_categories()
        self._fixes: dict[str, str] = {}  # typo'd word -> its correction (or itself)
        self._dirty = False
        counts = len(self._skills), len(self._keys), len(self._vocab)
        log.debug("skill index: %d skills, %d names, %d words", *counts)

    def _index_skill(self, skill: Skill, names: Iterable[str]) -> None:
        """Add names of one skill to the index; used by a full build and by additions."""
        self._rank.setdefault(skill.id, len(self._rank))
        for lang, folded in self._sortable.items():
            folded[skill.id] = normalize(skill.label(lang))
        labels = {skill.label_fr, skill.label_en}
        for name in names:
            key = sort_key(name)
            owner = self._exact.setdefault(key, skill.id) if key else None
            if owner is None or key in self._keys_of.get(skill.id, ()):
                continue  # nothing meaningful, or already a name of this skill
            if owner != skill.id:
                log.warning("name %r of %s already names %s; ignored", name, skill.id, owner)
                continue
            self._keys_of.setdefault(skill.id, set()).add(key)
            i = len(self._keys)
            words = frozenset(key.split())
            self._keys.append(key)
            self._ordered.append(normalize(name))
            self._owners.append(skill.id)
            self._is_label.append(name in labels)
            self._name_words.append(words)
            for word in words:
                self._postings.setdefault(word, []).append(i)
                if word not in self._vocab_set:
                    self._vocab_set.add(word)
                    insort(self._vocab, word)

    def _index_categories(self) -> None:
        categories = self._taxonomy.categories.values()
        labels = [(cat.id, label) for cat in categories for label in (cat.label_fr, cat.label_en)]
        self._category_keys = {sort_key(label): cat_id for cat_id, label in labels}
        self._category_words: dict[str, list[frozenset[str]]] = {}
        for cat_id, label in labels:
            self._category_words.setdefault(cat_id, []).append(frozenset(sort_key(label).split()))

    def _ready(self) -> None:
        if self._dirty:
            self._build()

    # -- scoring ----------------------------------------------------------------------------

    def _corrected(self, key: str) -> str:
        """``key`` with each unknown word replaced by the closest known one, when close enough."""
        words = []
        for word in key.split():
            if word not in self._vocab_set and len(word) >= MIN_CORRECTED_LEN:
                if word not in self._fixes:  # members retype the same typos: remember them
                    if len(self._fixes) >= MAX_REMEMBERED_FIXES:
                        self._fixes.clear()
                    cutoff = SHORT_WORD_CUTOFF if len(word) <= SHORT_WORD_LEN else WORD_CUTOFF
                    match = process.extractOne(
                        word, self._vocab, scorer=fuzz.ratio, score_cutoff=cutoff
                    )
                    self._fixes[word] = match[0] if match else word
                word = self._fixes[word]
            words.append(word)
        return " ".join(sorted(words))

    def _score_key(self, key: str, weight: float, into: dict[str, float]) -> None:
        """Fold into ``into`` the best score per skill for one sort key, times ``weight``."""
        floor = SHORT_WORD_CUTOFF if len(key) <= SHORT_WORD_LEN else FLOOR  # "poney" is not "honey"
        matches = process.extract(
            key, self._keys, scorer=fuzz.ratio, limit=None, score_cutoff=floor / weight
        )
        for _, score, i in matches:
            owner = self._owners[i]
            into[owner] = max(into.get(owner, 0.0), score * weight)
        # Containment (what token_set_ratio scores 100), through the word index: much faster than
        # token_set_ratio over every name.
        query = frozenset(key.split())
        on_label: dict[str, bool] = {}
        for i in {i for word in query for i in self._postings.get(word, ())}:
            words = self._name_words[i]
            if query <= words or words <= query:
                owner = self._owners[i]
                on_label[owner] = on_label.get(owner, False) or self._is_label[i]
        for owner, label_hit in on_label.items():
            category_words = self._category_words.get(self._skills[owner].category, ())
            bonus = (LABEL_BONUS if label_hit else 0.0) + (
                CATEGORY_BONUS if any(query <= words for words in category_words) else 0.0
            )
            into[owner] = max(into.get(owner, 0.0), weight * (CONTAINED + bonus))

    def _scores(self, key: str) -> dict[str, float]:
        """Best score per skill id for a sort key, only skills at or above FLOOR."""
        scores: dict[str, float] = {}
        self._score_key(key, 1.0, scores)
        corrected = self._corrected(key)
        if corrected != key:
            self._score_key(corrected, CORRECTED_WEIGHT, scores)
        return scores

    def _ranked(self, scores: dict[str, float]) -> list[tuple[str, float]]:
        """Best score first; ties go to the more popular skill, then the earlier in the taxonomy."""
        def order(item: tuple[str, float]) -> tuple[float, int, int]:
            skill_id, score = item
            return (-round(score, 1), -self._popularity.get(skill_id, 0), self._rank[skill_id])

        return sorted(scores.items(), key=order)

    def _resolution(
        self, text: str, status: MatchStatus, picked: list[tuple[str, float]], locale: str | None
    ) -> Resolution:
        skills = self._skills
        candidates = tuple(
            Candidate(sid, skills[sid].label(locale), round(score, 1), skills[sid].custom)
            for sid, score in picked
        )
        return Resolution(text, status, candidates)

    # -- public queries ---------------------------------------------------------------------

    def resolve(self, text: str, locale: str | None = "fr") -> Resolution:
        """Resolve one free-text skill, e.g. "impresion 3d" -> exact/confident/ambiguous/unknown."""
        self._ready()
        key = sort_key(text)
        if not key:
            return Resolution(text, MatchStatus.UNKNOWN)
        scores = self._scores(key)
        exact = self._exact.get(key)
        if exact is not None:
            scores[exact] = 100.0
        ranked = self._ranked(scores)
        if exact is not None:
            others = [item for item in ranked if item[0] != exact][: MAX_CANDIDATES - 1]
            picked = [(exact, 100.0), *others]
            return self._resolution(text, MatchStatus.EXACT, picked, locale)
        if not ranked:
            return Resolution(text, MatchStatus.UNKNOWN)
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= CONFIDENT and best - runner_up > MARGIN:
            status = MatchStatus.CONFIDENT
            picked = ranked[:MAX_CANDIDATES]
        else:
            status = MatchStatus.AMBIGUOUS
            picked = [item for item in ranked if item[1] >= best - WINDOW][:MAX_CANDIDATES]
        return self._resolution(text, status, picked, locale)

    def search_ids(self, text: str) -> list[tuple[str, float]]:
        """Every skill a directory query may mean, best first: ``[(skill_id, score 0-100)]``.

        Direct matches come first; a query naming a category ("langues") adds its skills at a
        lower score.
        """
        self._ready()
        key = sort_key(text)
        if not key:
            return []
        scores = self._scores(key)
        if (exact := self._exact.get(key)) is not None:
            # The text names a skill exactly ("compta"): loose look-alikes ("compostage") are noise.
            scores = {skill_id: score for skill_id, score in scores.items() if score >= CONFIDENT}
            scores[exact] = 100.0
        category = self._category_keys.get(key)
        if category is None:
            match = process.extractOne(
                key, list(self._category_keys), scorer=fuzz.ratio, score_cutoff=CONFIDENT
            )
            category = self._category_keys[match[0]] if match else None
        if category is not None:
            for skill in self._taxonomy.in_category(category):
                scores[skill.id] = max(scores.get(skill.id, 0.0), CATEGORY_SCORE)
        return [(skill_id, round(score, 1)) for skill_id, score in self._ranked(scores)]

    def _names_with_word_prefix(self, prefix: str) -> set[int]:
        """Indexes of the names having a word that starts with ``prefix`` (vocab is sorted)."""
        found: set[int] = set()
        for n in range(bisect_left(self._vocab, prefix), len(self._vocab)):
            word = self._vocab[n]
            if not word.startswith(prefix):
                break
            found.update(self._postings[word])
        return found

    def suggest(self, prefix: str, locale: str | None = "fr", limit: int = 25) -> list[Suggestion]:
        """Autocomplete: skills whose names start with what is typed so far, then typo matches.

        Each typed word must begin a word of a name, in any order ("3d imp" -> 3D printing); names
        that start with the whole text, and the skill's own labels, come first. Custom skills are
        never suggested: their wording is one member's own until an animator merges it.
        """
        self._ready()
        typed = normalize(prefix)
        if not typed:  # nothing typed yet: the most used skills, then alphabetical
            lang = lang_of(locale)
            popularity, names = self._popularity, self._sortable[lang]
            ids = sorted((sid for sid in self._skills if not self._skills[sid].custom),
                         key=lambda sid: (-popularity.get(sid, 0), names[sid]))
            return [Suggestion(sid, self._skills[sid].label(locale), 0.0) for sid in ids[:limit]]
        words = typed.split()
        matches = self._names_with_word_prefix(words[0])
        for word in words[1:]:
            matches &= self._names_with_word_prefix(word)
        scores: dict[str, float] = {}
        for i in matches:
            owner, name = self._owners[i], self._ordered[i]
            if self._is_label[i]:
                score = SUGGEST_LABEL if name.startswith(typed) else SUGGEST_LABEL_WORDS
            else:
                score = SUGGEST_SYNONYM if name.startswith(typed) else SUGGEST_SYNONYM_WORDS
            scores[owner] = max(scores.get(owner, 0.0), score)
        if len(scores) < limit and len(typed) >= MIN_CORRECTED_LEN:  # fill with typo matches
            for owner, score in self._scores(sort_key(prefix)).items():
                scores.setdefault(owner, score * SUGGEST_FUZZY_WEIGHT)
        ranked = [(sid, score) for sid, score in self._ranked(scores) if not self._skills[sid].custom][:limit]
        return [Suggestion(sid, self._skills[sid].label(locale), round(s, 1)) for sid, s in ranked]
