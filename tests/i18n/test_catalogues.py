"""The French and English catalogues say the same things."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import Translator, catalogue, normalize_locale, placeholders, translate
from bot.app import build_registry

ROOT = Path(__file__).resolve().parents[2]


def test_both_languages_have_the_same_keys():
    fr, en = catalogue("fr"), catalogue("en")
    assert sorted(set(fr) - set(en)) == [], "keys only in French"
    assert sorted(set(en) - set(fr)) == [], "keys only in English"


def test_both_languages_have_the_same_placeholders():
    fr, en = catalogue("fr"), catalogue("en")
    different = {key: (placeholders(fr[key]), placeholders(en[key])) for key in fr
                 if key in en and placeholders(fr[key]) != placeholders(en[key])}
    assert different == {}


def test_plural_forms_are_complete():
    for locale in ("fr", "en"):
        for key, message in catalogue(locale).items():
            if isinstance(message, dict):
                assert set(message) == {"one", "other"}, (locale, key)


def test_every_command_has_its_texts_in_both_languages():
    registry = build_registry()
    fr, en = catalogue("fr"), catalogue("en")
    for command in registry.commands.values():
        for key in filter(None, (command.summary_key, command.args_key)):
            assert key in fr and key in en, (command.name, key)


def test_every_literal_key_used_in_code_exists():
    known = set(catalogue("fr"))
    pattern = re.compile(r"""(?:\bt|ctx\.t|ctx\.reply|translate\([^,]+,)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    missing = []
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "jobs").rglob("*.py")):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in known and not any(k.startswith(key + ".") for k in known):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_locale_normalisation_and_fallback():
    assert normalize_locale("en-GB") == "en"
    assert normalize_locale("fr_CA") == "fr"
    assert normalize_locale("de") == "fr"
    assert normalize_locale(None) == "fr"
    assert Translator("en")("cancel.nothing").startswith("There was nothing")
    assert translate("en", "no.such.key") == "no.such.key"
