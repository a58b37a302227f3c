"""Normalisation: what counts as "the same words" for skills."""

import pytest

from bot.skills.normalize import lang_of, normalize, sort_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Comptabilité", "comptabilite"),
        ("  IMPRESSION   3D ", "impression 3d"),
        ("Œnologie", "oenologie"),
        ("cours d'anglais", "cours anglais"),
        ("cours d’anglais", "cours anglais"),  # typographic apostrophe
        ("Soudure à l'arc", "soudure arc"),
        ("tiers-lieu", "tiers lieu"),
        ("C++", "cpp"),
        ("C#", "csharp"),
        (".NET", "dotnet"),
        ("impression 3 D", "impression 3d"),
        ("the art of sewing", "art sewing"),
        ("!!!", ""),
        ("de la", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_sort_key_ignores_word_order_case_and_accents() -> None:
    assert sort_key("Impression 3D") == sort_key("3d IMPRESSION") == "3d impression"
    assert sort_key("Développement Web") == sort_key("web developpement")


def test_meaningful_short_words_survive() -> None:
    # "it", "ia", "c", "r" carry meaning in skill names and must not be stop words.
    assert normalize("langage C") == "langage c"
    assert normalize("IA") == "ia"
    assert normalize("langage R") == "langage r"


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("fr", "fr"), ("de", "fr"), (None, "fr")],
)
def test_lang_of_defaults_to_french(locale: str | None, lang: str) -> None:
    assert lang_of(locale) == lang
