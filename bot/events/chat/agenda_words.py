"""Reading the words after /agenda (/programme): a period, a venue, an audience, "near me".

People type what they see, not our codes: "/programme hangar", "/programme la fabrique",
"/programme étudiants", "/agenda this week", "/programme demain", "/agenda friday". Words are compared without accents or case; venues
match their slug, their name, their name without its article ("Le Hangar" -> "hangar") or one
distinctive word of the name ("fabrique"), and a small typo is forgiven (rapidfuzz, on words of 4
letters or more). Audiences match their codes and their labels in every language. Small words
("cette", "de", "me") are skipped. Anything else is reported back, so the caller can say which word
it did not understand instead of silently ignoring it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.events.render import AUDIENCE_TAGS
from bot.i18n import Translator
from storage.models import Venue

PERIOD_WORDS = {"today": "d", "aujourdhui": "d", "aujourd hui": "d", "jour": "d", "tonight": "d", "soir": "d",
                "tomorrow": "t", "demain": "t", "weekend": "e", "week end": "e",
                "week": "w", "semaine": "w", "month": "m", "mois": "m", "all": "a", "tout": "a", "everything": "a"}
# A day of the week names its next occurrence (today if it is that day): the period is its number.
WEEKDAY_WORDS = {word: str(number) for number, words in enumerate((
    ("lundi", "monday"), ("mardi", "tuesday"), ("mercredi", "wednesday"), ("jeudi", "thursday"),
    ("vendredi", "friday"), ("samedi", "saturday"), ("dimanche", "sunday"))) for word in words}
NEAR_WORDS = ("near", "near me", "nearby", "pres", "pres de moi", "proche", "autour", "autour de moi")
FILLERS = frozenset({"ce", "cette", "cet", "this", "le", "la", "les", "l", "de", "du", "des", "d", "the", "a", "au",
                     "aux", "pour", "for", "me", "moi", "en", "in", "at", "chez"})
ARTICLES = ("le ", "la ", "les ", "l ", "the ")
LABEL_LOCALES = ("fr", "en")
MAX_SPAN = 5  # the longest phrase tried: "nantes universite lab campus"
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 85


def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes, hyphens and inclusive dots as spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@dataclass
class Understood:
    period: str | None = None
    venue: int | None = None
    tag: str | None = None
    near: bool = False
    unknown: list[str] = field(default_factory=list)  # words as typed


def vocabulary(venues: Iterable[Venue]) -> dict[str, tuple[str, object]]:
    """Normalised phrase -> (kind, value): every way of naming a filter."""
    vocab: dict[str, tuple[str, object]] = {}
    for word, period in {**PERIOD_WORDS, **WEEKDAY_WORDS}.items():
        vocab[normalise(word)] = ("period", period)
    for word in NEAR_WORDS:
        vocab[normalise(word)] = ("near", True)
    for tag in AUDIENCE_TAGS:
        vocab[normalise(tag)] = ("tag", tag)
        for locale in LABEL_LOCALES:
            label = Translator(locale)(f"events.tag.{tag}")
            vocab[normalise(label)] = ("tag", tag)
            vocab[normalise(label.replace("·", ""))] = ("tag", tag)  # "étudiant·es" -> "etudiantes"
            vocab[normalise(label.split("·")[0])] = ("tag", tag)  # "étudiant·es" -> "etudiant"
    vocab.update({"etudiants": ("tag", "students"), "student": ("tag", "students"), "family": ("tag", "families"),
                  "famille": ("tag", "families"), "freelance": ("tag", "freelancers"),
                  "chomeurs": ("tag", "job_seekers"), "demandeurs d emploi": ("tag", "job_seekers")})
    # Distinctive words of venue names: a word shared by two venues names neither.
    word_owner: dict[str, int | None] = {}
    for venue in venues:
        names = {normalise(venue.slug), normalise(venue.name)}
        names |= {normalise(part) for part in re.split(r"\s+[—–-]\s+", venue.name)}
        for name in list(names):
            for article in ARTICLES:
                if name.startswith(article):
                    names.add(name[len(article):])
        for name in names:
            if name:
                vocab.setdefault(name, ("venue", venue.id))
        for word in normalise(venue.name).split():
            if len(word) >= FUZZY_MIN_LENGTH:
                word_owner[word] = venue.id if word_owner.get(word, venue.id) == venue.id else None
    for word, owner in word_owner.items():
        if owner is not None:
            vocab.setdefault(word, ("venue", owner))
    return vocab


def _lookup(phrase: str, vocab: dict[str, tuple[str, object]]) -> tuple[str, object] | None:
    if phrase in vocab:
        return vocab[phrase]
    if len(phrase) < FUZZY_MIN_LENGTH:
        return None
    found = process.extract(phrase, list(vocab), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2)
    if not found:
        return None
    if len(found) == 2 and found[1][1] == found[0][1] and vocab[found[1][0]] != vocab[found[0][0]]:
        return None  # two different things are as close: do not guess
    return vocab[found[0][0]]


def understand(text: str, venues: Iterable[Venue]) -> Understood:
    """The filters named in `text`, and the words that named nothing."""
    vocab = vocabulary(venues)
    typed = text.split()
    words = [normalise(w) for w in typed]
    result = Understood()
    i = 0
    while i < len(words):
        for size in range(min(MAX_SPAN, len(words) - i), 0, -1):
            phrase = " ".join(w for w in words[i:i + size] if w)
            meaning = _lookup(phrase, vocab) if phrase else ("filler", None)
            if meaning is None and size == 1 and phrase in FILLERS:
                meaning = ("filler", None)
            if meaning is not None:
                break
        else:
            result.unknown.append(typed[i])
            i += 1
            continue
        kind, value = meaning
        if kind == "period":
            result.period = str(value)
        elif kind == "venue":
            result.venue = int(value)  # type: ignore[arg-type]
        elif kind == "tag":
            result.tag = str(value)
        elif kind == "near":
            result.near = True
        i += size
    return result
