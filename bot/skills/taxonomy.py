"""The seed skills taxonomy: load the packaged CSV files and validate them.

``taxonomy.csv`` has one skill per row: ``id`` (stable English kebab-case slug), ``category``,
``label_fr``, ``label_en``, ``synonyms_fr``, ``synonyms_en`` (synonyms separated by ``|``).
``categories.csv`` names the categories in both languages. Both are plain files so that animators
can review them in a spreadsheet; every rule the resolver relies on is checked here, with line
numbers, so a bad edit fails loudly at load time (and in the tests) rather than mis-resolving.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .normalize import lang_of, sort_key

log = logging.getLogger(__name__)

__all__ = ["Category", "Skill", "Taxonomy", "TaxonomyError", "load_taxonomy", "parse_taxonomy"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SYNONYM_SEPARATOR = "|"
CUSTOM_CATEGORY = "custom"
_SKILL_COLUMNS = ("id", "category", "label_fr", "label_en", "synonyms_fr", "synonyms_en")
_CATEGORY_COLUMNS = ("id", "label_fr", "label_en")


class TaxonomyError(ValueError):
    """The taxonomy data breaks a rule; ``problems`` lists every one with its line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid skills taxonomy:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label_fr: str
    label_en: str

    def label(self, locale: str | None) -> str:
        return self.label_en if lang_of(locale) == "en" else self.label_fr


@dataclass(frozen=True, slots=True)
class Skill:
    """A canonical skill (or a member-created custom one, ``custom=True``)."""

    id: str
    category: str
    label_fr: str
    label_en: str
    synonyms_fr: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    custom: bool = False

    def label(self, locale: str | None) -> str:
        return self.label_en if lang_of(locale) == "en" else self.label_fr

    def names(self) -> tuple[str, ...]:
        """Every text that names this skill: labels first, then synonyms."""
        return (self.label_fr, self.label_en, *self.synonyms_fr, *self.synonyms_en)

    @classmethod
    def custom_skill(cls, skill_id: str, label: str) -> Skill:
        """A member-typed skill: one label, shown as typed in both languages."""
        return cls(skill_id, CUSTOM_CATEGORY, label, label, custom=True)


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The validated skills, in file order, with lookups by id and category."""

    skills: tuple[Skill, ...]
    categories: dict[str, Category]
    _by_id: dict[str, Skill] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {skill.id: skill for skill in self.skills})

    def __len__(self) -> int:
        return len(self.skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self.skills)

    def __contains__(self, skill_id: object) -> bool:
        return skill_id in self._by_id

    def get(self, skill_id: str) -> Skill | None:
        return self._by_id.get(skill_id)

    def in_category(self, category_id: str) -> tuple[Skill, ...]:
        return tuple(skill for skill in self.skills if skill.category == category_id)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split(SYNONYM_SEPARATOR) if part.strip())


def _rows(
    text: str, columns: tuple[str, ...], name: str, problems: list[str]
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        problems.append(f"{name}: header must be {','.join(columns)}, got {reader.fieldnames}")
        return []
    return [(reader.line_num, row) for row in reader]


def _parse_categories(text: str, problems: list[str]) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for line, row in _rows(text, _CATEGORY_COLUMNS, "categories.csv", problems):
        cat = Category(*(((row.get(col) or "").strip()) for col in _CATEGORY_COLUMNS))
        if not SLUG.match(cat.id) or cat.id == CUSTOM_CATEGORY:
            problems.append(f"categories.csv:{line}: bad category id {cat.id!r}")
        elif cat.id in categories:
            problems.append(f"categories.csv:{line}: duplicate category {cat.id!r}")
        if not cat.label_fr or not cat.label_en:
            problems.append(f"categories.csv:{line}: category {cat.id!r} needs both labels")
        categories[cat.id] = cat
    return categories


def parse_taxonomy(skills_csv: str, categories_csv: str) -> Taxonomy:
    """Parse and validate the two CSV texts.

    Raises:
        TaxonomyError: listing every problem (bad or duplicate ids, unknown categories, missing
            labels, a name that normalises to nothing, a name claimed by two skills).
    """
    problems: list[str] = []
    categories = _parse_categories(categories_csv, problems)
    skills: list[Skill] = []
    seen_ids: dict[str, int] = {}
    owner_of_key: dict[str, tuple[str, int]] = {}  # normalised name -> (skill id, line)
    for line, row in _rows(skills_csv, _SKILL_COLUMNS, "taxonomy.csv", problems):
        skill = Skill(
            id=(row["id"] or "").strip(),
            category=(row["category"] or "").strip(),
            label_fr=(row["label_fr"] or "").strip(),
            label_en=(row["label_en"] or "").strip(),
            synonyms_fr=_split(row["synonyms_fr"]),
            synonyms_en=_split(row["synonyms_en"]),
        )
        where = f"taxonomy.csv:{line}"
        if not SLUG.match(skill.id):
            problems.append(f"{where}: id {skill.id!r} is not a kebab-case slug")
        elif skill.id in seen_ids:
            problems.append(f"{where}: id {skill.id!r} already used on line {seen_ids[skill.id]}")
        seen_ids.setdefault(skill.id, line)
        if skill.category not in categories:
            problems.append(f"{where}: unknown category {skill.category!r}")
        if not skill.label_fr or not skill.label_en:
            problems.append(f"{where}: {skill.id!r} needs both a French and an English label")
        for name in filter(None, skill.names()):  # a missing label is reported above
            key = sort_key(name)
            if not key:
                problems.append(f"{where}: {name!r} has no meaningful word")
                continue
            owner, owner_line = owner_of_key.setdefault(key, (skill.id, line))
            if owner != skill.id:
                problems.append(
                    f"{where}: {name!r} of {skill.id!r} is already a name of {owner!r}"
                    f" (line {owner_line})"
                )
        skills.append(skill)
    if problems:
        raise TaxonomyError(problems)
    return Taxonomy(tuple(skills), categories)


@cache
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy, parsed and validated once per process."""
    package = resources.files(__package__)
    taxonomy = parse_taxonomy(
        (package / "taxonomy.csv").read_text(encoding="utf-8"),
        (package / "categories.csv").read_text(encoding="utf-8"),
    )
    log.debug("loaded %d skills in %d categories", len(taxonomy), len(taxonomy.categories))
    return taxonomy
