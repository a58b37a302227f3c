"""The packaged taxonomy is complete and consistent; the validator rejects bad data."""

from collections import Counter

import pytest

from bot.skills.normalize import sort_key
from bot.skills.taxonomy import SLUG, Skill, TaxonomyError, load_taxonomy, parse_taxonomy

CATEGORIES = "id,label_fr,label_en\nmaking,Fabrication,Making\ncrafts,Artisanat,Crafts\n"
HEADER = "id,category,label_fr,label_en,synonyms_fr,synonyms_en\n"


def test_seed_taxonomy_size_and_spread() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy) >= 200
    per_category = Counter(skill.category for skill in taxonomy)
    assert set(per_category) == set(taxonomy.categories)  # every category is used
    assert min(per_category.values()) >= 5


def test_every_skill_has_a_slug_both_labels_and_synonyms() -> None:
    for skill in load_taxonomy():
        assert SLUG.match(skill.id), skill.id
        assert skill.label_fr.strip() and skill.label_en.strip(), skill.id
        assert skill.synonyms_fr or skill.synonyms_en, skill.id
        assert skill.category in load_taxonomy().categories


def test_no_name_is_shared_by_two_skills() -> None:
    owners: dict[str, str] = {}
    for skill in load_taxonomy():
        for key in {sort_key(name) for name in skill.names()}:
            owner = owners.setdefault(key, skill.id)
            assert owner == skill.id, f"{key!r} names {owner} and {skill.id}"


@pytest.mark.parametrize(
    ("skill_id", "label_fr", "label_en"),
    [
        ("accounting", "Comptabilité", "Accounting"),
        ("3d-printing", "Impression 3D", "3D printing"),
        ("welding", "Soudure", "Welding"),
        ("social-economy", "Économie sociale et solidaire", "Social and solidarity economy"),
        ("winemaking", "Viticulture et œnologie", "Winemaking"),
    ],
)
def test_french_labels_keep_their_accents(skill_id: str, label_fr: str, label_en: str) -> None:
    skill = load_taxonomy().get(skill_id)
    assert skill is not None
    assert (skill.label("fr"), skill.label("en-GB")) == (label_fr, label_en)


def test_lookups() -> None:
    taxonomy = load_taxonomy()
    assert "welding" in taxonomy and "nope" not in taxonomy
    assert taxonomy.get("nope") is None
    assert {s.id for s in taxonomy.in_category("languages")} >= {"english", "spanish", "german"}
    assert taxonomy.categories["languages"].label("fr") == "Langues"


def test_valid_minimal_file_parses() -> None:
    row = "laser-cutting,making,Découpe laser,Laser cutting,laser|gravure laser,laser cutter\n"
    taxonomy = parse_taxonomy(HEADER + row, CATEGORIES)
    expected = Skill(
        "laser-cutting", "making", "Découpe laser", "Laser cutting", ("laser", "gravure laser"), ("laser cutter",)
    )
    assert taxonomy.skills == (expected,)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("Bad_Id,making,Alpha,Beta,,\n", "not a kebab-case slug"),
        ("a,making,Alpha,Beta,,\na,making,Gamma,Delta,,\n", "already used on line 2"),
        ("a,cooking,Alpha,Beta,,\n", "unknown category"),
        ("a,making,,Beta,,\n", "needs both a French and an English label"),
        ("a,making,Alpha,,,\n", "needs both a French and an English label"),
        ("a,making,Soudure,Welding,,\nb,making,Brasage,Soldering,soudure,\n", "already a name of 'a'"),
        # the same words in another order, case and accents are the same name
        ("a,making,Impression 3D,Printing,,\nb,making,Beta,Gamma,,3D IMPRESSION\n", "already a name of 'a'"),
        ("a,making,Alpha,Beta,de la|x,\n", "has no meaningful word"),
    ],
)
def test_validator_rejects(rows: str, problem: str) -> None:
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(HEADER + rows, CATEGORIES)
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def test_validator_reports_every_problem_with_line_numbers() -> None:
    rows = "a,nope,Alpha,Beta,,\nb,making,,Gamma,,\n"
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(HEADER + rows, CATEGORIES)
    assert [p.split(":")[1] for p in caught.value.problems] == ["2", "3"]


def test_validator_rejects_wrong_header() -> None:
    with pytest.raises(TaxonomyError, match="header"):
        parse_taxonomy("id,label\n", CATEGORIES)
