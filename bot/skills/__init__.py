"""Skills: the packaged FR/EN taxonomy and the fuzzy resolver members' free text goes through.

No database here: the members feature stores which skills a member offers or needs (and the
custom skills they create) and builds one ``SkillResolver`` from the taxonomy plus those custom
skills. Pure and platform-free.
"""

from .normalize import lang_of, normalize, sort_key
from .resolver import Candidate, MatchStatus, Resolution, SkillResolver, Suggestion
from .taxonomy import Category, Skill, Taxonomy, TaxonomyError, load_taxonomy, parse_taxonomy

__all__ = [
    "Candidate",
    "Category",
    "MatchStatus",
    "Resolution",
    "Skill",
    "SkillResolver",
    "Suggestion",
    "Taxonomy",
    "TaxonomyError",
    "lang_of",
    "load_taxonomy",
    "normalize",
    "parse_taxonomy",
    "sort_key",
]
