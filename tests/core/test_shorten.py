"""Cut labels read as cut: an ellipsis, at a word where one is near."""

from bot.shorten import shorten


def test_a_short_text_is_kept_and_a_long_one_is_cut_at_a_word_with_an_ellipsis():
    assert shorten("Repair café", 48) == "Repair café"
    cut = shorten("3. Atelier impression 3D pour débutants et curieux", 35)
    assert cut == "3. Atelier impression 3D pour…" and len(cut) <= 35
    assert shorten("Anticonstitutionnellement" * 3, 20) == "Anticonstitutionnel…"
    assert shorten("a  b\nc", 10) == "a b c"
