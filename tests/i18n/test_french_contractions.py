"""French contracts "de Le Hangar" into "du Hangar" (and "à Le" into "au", "de Les" into "des"):
the host's suggestion read "Les membres de Le Hangar"."""

from __future__ import annotations

from bot.i18n import Translator


def test_a_name_starting_with_le_or_les_contracts_with_de_and_a():
    fr = Translator("fr")
    assert fr("hosts.suggest.complement", other="Le Hangar", skills="Compta").startswith("Les membres du Hangar et")
    assert fr("hosts.suggest.complement", other="Les Ateliers", skills="Compta").startswith("Les membres des Ateliers et")
    assert fr("hosts.suggest.complement", other="La Fabrique", skills="Compta").startswith("Les membres de La Fabrique et")
    assert fr("hosts.suggest.complement", other="Le", skills="Compta").startswith("Les membres de Le et"), "no name after"
    # The name itself is kept wherever no preposition comes before it.
    assert "Tu rejoins Le Hangar et" in fr("onboarding.welcome", venue="Le Hangar", network="N", count=2, venues=2)


def test_english_is_left_alone():
    assert "Le Hangar" in Translator("en")("hosts.suggest.complement", other="Le Hangar", skills="Accounting")
