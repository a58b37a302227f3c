"""Resolving free text to skills, in French and English, with typos; search and autocomplete."""

import pytest

from bot.skills.normalize import normalize
from bot.skills.resolver import MatchStatus, SkillResolver
from bot.skills.taxonomy import load_taxonomy

EXACT, CONFIDENT, AMBIGUOUS, UNKNOWN = MatchStatus


@pytest.fixture(scope="module")
def resolver() -> SkillResolver:
    return SkillResolver()


@pytest.mark.parametrize(
    ("text", "locale", "skill_id", "status"),
    [
        # the examples: typos, both languages, same skill
        ("impresion 3d", "fr", "3d-printing", CONFIDENT),
        ("comptabilitée", "fr", "accounting", CONFIDENT),
        ("3d printing", "en", "3d-printing", EXACT),
        ("impression 3D", "fr", "3d-printing", EXACT),
        ("soudure", "fr", "welding", EXACT),
        ("welding", "en", "welding", EXACT),
        ("devloppement web", "fr", "web-development", CONFIDENT),
        # case, accents, punctuation, word order
        ("COMPTABILITE", "fr", "accounting", EXACT),
        ("printing 3D", "en", "3d-printing", EXACT),
        ("impression 3 D", "fr", "3d-printing", EXACT),
        ("ménuiserie", "fr", "joinery", EXACT),
        ("oenologie", "fr", "winemaking", EXACT),
        ("Œnologie", "fr", "winemaking", EXACT),
        ("crowd-funding", "en", "crowdfunding", EXACT),
        ("web developement", "en", "web-development", CONFIDENT),
        # abbreviations and synonyms
        ("compta", "fr", "accounting", EXACT),
        ("SEO", "en", "seo", EXACT),
        ("UX", "en", "ux-design", EXACT),
        ("RGPD", "fr", "gdpr", EXACT),
        ("FEDER", "fr", "european-funds", EXACT),
        ("ESS", "fr", "social-economy", EXACT),
        ("C++", "en", "c-cpp", EXACT),
        ("C#", "en", "csharp-dotnet", EXACT),
        ("cours d'anglais", "fr", "english", EXACT),
        ("chatgpt", "fr", "generative-ai", EXACT),
        ("subventions", "fr", "grant-writing", EXACT),
        # cross-language: the other language's word gives the same skill
        ("sewing", "fr", "sewing", EXACT),
        ("couture", "en", "sewing", EXACT),
        ("beekeeping", "fr", "beekeeping", EXACT),
        ("apiculture", "en", "beekeeping", EXACT),
        ("bookkeeping", "fr", "accounting", EXACT),
        # typos in French
        ("permaculure", "fr", "permaculture", CONFIDENT),
        ("menusier", "fr", "joinery", CONFIDENT),
        ("plombrie", "fr", "plumbing", CONFIDENT),
        ("jardinnage", "fr", "gardening", CONFIDENT),
        ("poterrie", "fr", "ceramics", CONFIDENT),
        ("levée de fond", "fr", "equity-fundraising", CONFIDENT),
        ("subvension", "fr", "grant-writing", CONFIDENT),
        ("alemand", "fr", "german", CONFIDENT),
        # typos in English
        ("crowfunding", "en", "crowdfunding", CONFIDENT),
        ("graphic desing", "en", "graphic-design", CONFIDENT),
        ("accountting", "en", "accounting", CONFIDENT),
        ("machine lerning", "en", "machine-learning", CONFIDENT),
        ("project managment", "en", "project-management", CONFIDENT),
        ("blockchian", "en", "blockchain", CONFIDENT),
        # a skill inside a longer sentence
        ("soudure à l'arc pour débutants", "fr", "welding", CONFIDENT),
        ("je fais de la compta", "fr", "accounting", CONFIDENT),
        ("photographie argentique", "fr", "photography", CONFIDENT),
    ],
)
def test_resolves(
    resolver: SkillResolver, text: str, locale: str, skill_id: str, status: MatchStatus
) -> None:
    resolution = resolver.resolve(text, locale)
    assert (resolution.status, resolution.skill_id) == (status, skill_id), resolution.candidates
    assert resolution.best is resolution.candidates[0]
    assert resolution.best.score >= 88


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("design", {"ux-design", "graphic-design", "product-design"}),
        ("desing", {"ux-design", "graphic-design", "product-design"}),  # typo'd generic word
        ("3d", {"3d-printing", "3d-modelling"}),
        ("web", {"web-development", "web-design"}),
        ("ux ui", {"ux-design", "ui-design"}),
        ("animation", {"animation", "community-building", "workshop-facilitation"}),
        ("traduction anglais", {"translation", "english"}),
        ("gestion de projet agile", {"project-management", "agile"}),
    ],
)
def test_ambiguous_offers_the_close_candidates(
    resolver: SkillResolver, text: str, expected: set[str]
) -> None:
    resolution = resolver.resolve(text, "fr")
    assert resolution.status is AMBIGUOUS
    assert resolution.best is None and resolution.skill_id is None
    ids = [c.skill_id for c in resolution.candidates]
    assert expected <= set(ids), ids
    assert 2 <= len(ids) <= 5
    scores = [c.score for c in resolution.candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "text",
    ["plongée sous-marine", "kitesurf", "escalade", "poney", "licorne", "tarot", "xyzzy", "", " !!! ", "de la"],
)
def test_unknown_when_nothing_is_close(resolver: SkillResolver, text: str) -> None:
    resolution = resolver.resolve(text, "fr")
    assert resolution.status is UNKNOWN
    assert resolution.candidates == () and resolution.best is None


def test_every_taxonomy_name_resolves_exactly_to_its_skill(resolver: SkillResolver) -> None:
    for skill in load_taxonomy():
        for name in skill.names():
            resolution = resolver.resolve(name)
            assert (resolution.status, resolution.skill_id) == (EXACT, skill.id), name


def test_candidate_labels_follow_the_locale(resolver: SkillResolver) -> None:
    assert resolver.resolve("welding", "fr").best.label == "Soudure"
    assert resolver.resolve("soudure", "en-GB").best.label == "Welding"
    assert resolver.resolve("soudure", None).best.label == "Soudure"


def test_exact_match_still_lists_related_candidates(resolver: SkillResolver) -> None:
    resolution = resolver.resolve("soudure", "fr")
    assert [c.skill_id for c in resolution.candidates[:2]] == ["welding", "soldering"]


def test_custom_skills_resolve_and_can_be_merged() -> None:
    resolver = SkillResolver(custom=[("custom-1", "Kitesurf")])
    assert resolver.resolve("kitesurf").status is EXACT
    typo = resolver.resolve("kite surf", "en")
    assert (typo.status, typo.skill_id) == (CONFIDENT, "custom-1")
    assert typo.best.custom and typo.best.label == "Kitesurf"

    resolver.add_custom("custom-2", "Plongée sous-marine")
    assert resolver.resolve("plongee sous marine").skill_id == "custom-2"
    assert resolver.search_ids("plongée")[0][0] == "custom-2"

    resolver.merge("custom-2", "sports-coaching")  # an animator folds it into a canonical skill
    assert resolver.get("custom-2") is None
    assert resolver.resolve("plongée sous-marine").skill_id == "sports-coaching"


def test_adding_to_a_built_index_matches_building_it_whole() -> None:
    grown = SkillResolver()
    grown.resolve("warm up")  # builds the index; the additions below extend it
    grown.add_custom("custom-1", "Kitesurf")
    grown.add_alias("welding", "chaudronnier soudeur")
    fresh = SkillResolver(custom=[("custom-1", "Kitesurf")], aliases=[("welding", "chaudronnier soudeur")])
    for text in ("kite surf", "kitesurff", "chaudronier soudeur", "design", "soudure", "kite"):
        assert grown.resolve(text) == fresh.resolve(text), text
        assert grown.suggest(text[:4]) == fresh.suggest(text[:4]), text


def test_custom_skill_errors() -> None:
    resolver = SkillResolver(custom=[("custom-1", "Kitesurf")])
    with pytest.raises(ValueError):
        resolver.add_custom("custom-1", "Autre")
    with pytest.raises(ValueError):
        resolver.add_custom("welding", "Autre")
    with pytest.raises(ValueError):
        resolver.add_custom("custom-9", "de la")
    with pytest.raises(KeyError):
        resolver.remove("welding")  # canonical skills stay
    with pytest.raises(KeyError):
        resolver.add_alias("nope", "x")


def test_custom_label_cannot_steal_a_canonical_name() -> None:
    resolver = SkillResolver(custom=[("custom-1", "soudure")])
    assert resolver.resolve("Soudure").skill_id == "welding"


def test_aliases_given_at_start() -> None:
    resolver = SkillResolver(aliases=[("welding", "chaudronnier soudeur")])
    assert resolver.resolve("chaudronnier soudeur").status is EXACT
    assert resolver.resolve("chaudronnier soudeur").skill_id == "welding"


def test_popularity_orders_ties_but_not_the_status() -> None:
    resolver = SkillResolver()
    resolver.set_popularity({"pcb-design": 50})
    resolution = resolver.resolve("design")
    assert resolution.status is AMBIGUOUS
    assert resolution.candidates[0].skill_id != "pcb-design"  # it only ties on a weaker match
    resolver.set_popularity({"product-design": 50})
    assert resolver.resolve("design").candidates[0].skill_id == "product-design"


def test_search_ids_finds_every_matching_skill(resolver: SkillResolver) -> None:
    hits = resolver.search_ids("soudure")
    assert [skill_id for skill_id, _ in hits[:2]] == ["welding", "soldering"]
    assert hits[0][1] == 100.0
    design = {skill_id for skill_id, _ in resolver.search_ids("design")}
    assert {"ux-design", "graphic-design", "product-design", "web-design"} <= design
    assert resolver.search_ids("welding")[0] == ("welding", 100.0)
    assert resolver.search_ids("desing graphique")[0][0] == "graphic-design"
    assert resolver.search_ids("") == [] and resolver.search_ids("xyzzy") == []


def test_search_ids_by_category_name(resolver: SkillResolver) -> None:
    languages = {skill.id for skill in load_taxonomy().in_category("languages")}
    for query in ("langues", "Languages", "juridique"):
        found = {skill_id for skill_id, _ in resolver.search_ids(query)}
        if query != "juridique":
            assert languages <= found, query
    legal = {skill.id for skill in load_taxonomy().in_category("legal")}
    assert legal <= {skill_id for skill_id, _ in resolver.search_ids("juridique")}


def test_suggest_prefixes(resolver: SkillResolver) -> None:
    assert resolver.suggest("compt", "fr")[0].label == "Comptabilité"
    assert resolver.suggest("compt", "en")[0].label == "Accounting"
    assert resolver.suggest("3d imp", "en")[0].skill_id == "3d-printing"  # any word order
    assert resolver.suggest("imp 3d", "fr")[0].skill_id == "3d-printing"
    welding = resolver.suggest("soud", "fr")
    assert {"welding", "soldering"} <= {s.skill_id for s in welding}
    assert resolver.suggest("comptabilte", "fr")[0].skill_id == "accounting"  # typo fill


def test_suggest_limit_and_empty(resolver: SkillResolver) -> None:
    assert len(resolver.suggest("", "fr", limit=25)) == 25
    assert len(resolver.suggest("a", "fr", limit=3)) == 3
    first = resolver.suggest("", "fr", limit=3)
    labels = [s.label for s in first]
    assert labels == sorted(labels, key=normalize)  # alphabetical, accents ignored
    assert resolver.suggest("xyzzy", "fr") == []
    skills = [s.skill_id for s in resolver.suggest("des", "fr", limit=25)]
    assert len(skills) == len(set(skills))  # one entry per skill


def test_an_exact_name_does_not_drag_in_look_alikes():
    ids = [skill_id for skill_id, _ in SkillResolver().search_ids("compta")]
    assert ids == ["accounting"]


def test_custom_skills_are_never_suggested_but_still_resolve():
    resolver = SkillResolver(custom=[("custom-kitesurf", "kitesurf")])
    assert all(s.skill_id != "custom-kitesurf" for s in resolver.suggest("kites"))
    assert all(s.skill_id != "custom-kitesurf" for s in resolver.suggest(""))
    assert resolver.resolve("kitesurf").skill_id == "custom-kitesurf"
