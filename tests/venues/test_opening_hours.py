"""Issue 17: venues' opening hours read from OSM-style or French text, stored in OSM form, said in
French and English, and checked in the config with the venue and the key named."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import ConfigError, parse_config
from bot.i18n import Translator
from bot.venues.hours import HoursError, canonical
from bot.venues.hours_reading import normalized, parse
from bot.venues.hours_wording import describe

FR, EN = Translator("fr"), Translator("en")


@pytest.mark.parametrize("typed, stored", [
    ("Mo-Fr 09:00-18:00; Sa 10:00-13:00", "Mo-Fr 09:00-18:00; Sa 10:00-13:00"),
    ("lu-ve 9h-18h, sa 10h-13h", "Mo-Fr 09:00-18:00; Sa 10:00-13:00"),
    ("Lundi–Vendredi 9h – 18h ; samedi 10h-13h", "Mo-Fr 09:00-18:00; Sa 10:00-13:00"),
    ("du lundi au vendredi de 9h à 18h", "Mo-Fr 09:00-18:00"),
    ("tous les jours 9h-12h, 14h-18h", "Mo-Su 09:00-12:00,14:00-18:00"),
    ("Mo-Fr 09:00-12:00,14:00-18:00", "Mo-Fr 09:00-12:00,14:00-18:00"),
    ("lundi et jeudi 9h30-17h", "Mo,Th 09:30-17:00"),
    ("Mo-Sa 09:00-18:00; We 09:00-12:00", "Mo,Tu,Th-Sa 09:00-18:00; We 09:00-12:00"),  # a later rule replaces
    ("Mo-Fr 09:00-12:00, We 14:00-18:00", "Mo,Tu,Th,Fr 09:00-12:00; We 09:00-12:00,14:00-18:00"),  # "," adds
    ("Mo-Su 10:00-19:00; Tu off", "Mo,We-Su 10:00-19:00"),
    ("Sa-Mo 10:00-12:00", "Mo,Sa,Su 10:00-12:00"),  # a range may wrap round the week
    ("Fr 18:00-02:00", "Fr 18:00-02:00"),  # past midnight
    ("Sa,Su", "Sa,Su"),  # days without times: all day, as in OSM
    ("Mo-Fr 08:00-18:00; PH off", "Mo-Fr 08:00-18:00"),  # public holidays: none known
    ('Mo-Fr 09:00-17:00 "sur rendez-vous le vendredi"', "Mo-Fr 09:00-17:00"),
    ("Lundi-Vendredi : 9h00-12h et de 14h à 18h", "Mo-Fr 09:00-12:00,14:00-18:00"),
    ("lu-ve 9h-18h sa 10h-midi", "Mo-Fr 09:00-18:00; Sa 10:00-12:00"),  # no separator: a new rule all the same
    ("lu-sa 9h-18h fermé le mercredi", "Mo,Tu,Th-Sa 09:00-18:00"),
    ("7j/7 10h-minuit", "Mo-Su 10:00-24:00"),
    ("Mon-Fri 9am-5:30pm", "Mo-Fr 09:00-17:30"),
    ("Mo-Fr 09:00-18:00; Dec 24-Jan 02 off", "Mo-Fr 09:00-18:00; Dec 24-Jan 02 off"),
    ("lu-ve 9h-18h, fermé du 24 décembre au 2 janvier", "Mo-Fr 09:00-18:00; Dec 24-Jan 02 off"),
    ("fermé du 1er au 15 août", "Aug 01-Aug 15 off"), ("fermé en août", "Aug 01-Aug 31 off"),
    ("Aug off", "Aug 01-Aug 31 off"), ("fermé le 25 décembre", "Dec 25 off"),
    ("mar 9h-12h; 3 mar off", "Tu 09:00-12:00; Mar 03 off"),  # mardi, unless a day of the month is next to it
    ("24/7", "24/7"), ("24h/24", "24/7"), ("Mo-Su 00:00-24:00", "24/7"),
    ("off", "off"), ("closed", "off"), ("Fermé", "off"), ("fermé pour travaux", "off"), ("Mo-Su off", "off"),
])
def test_both_syntaxes_are_stored_in_osm_form(typed, stored):
    assert normalized(typed) == stored
    assert normalized(stored) == stored  # the stored form reads back as itself


@pytest.mark.parametrize("typed, why", [
    ("Mo-Fx 09:00-18:00", '"fx" is neither a day, a time nor "off"'),
    ("Mo-Fr 9-18", '"9" is not a time (write 9:00 or 9h)'),
    ("Mo-Fr 25:00-26:00", '"25:00" is not a time of day'),
    ("Mo-Fr 09:00", "expected dash, found the end"),
    ("Mo-Fr 09:00-09:00", "09:00-09:00 is not a time range"),
    ("Mo-Fr 09:00-18:00 10:00", 'expected ";" between rules, found a time'),
    ("Mo-Fr 09:00-18:00 off", 'expected ";" between rules, found "off"'),
    ("Mo-Fr 9pm-13pm", '"13pm" is not a time of day'),
    ("Feb 30 off", "30 is not a day of February"),
    ("Dec 24 09:00-12:00", 'dates take "off" (closed then), found a time'),
    ("x" * 301, "longer than 300 characters"),
])
def test_what_is_not_hours_says_why(typed, why):
    with pytest.raises(HoursError) as raised:
        parse(typed)
    assert str(raised.value) == why
    assert normalized("  ") is None and normalized(None) is None  # nothing typed: unknown, no error


def test_hours_are_said_in_french_and_english():
    cases = {
        "Mo-Fr 09:00-18:00": ("ouvert du lundi au vendredi, 9h–18h", "open Monday to Friday, 9:00–18:00"),
        "Mo-Fr 09:00-18:00; Sa 10:00-13:00": ("ouvert du lundi au vendredi, 9h–18h ; le samedi, 10h–13h",
                                              "open Monday to Friday, 9:00–18:00; Saturday, 10:00–13:00"),
        "Mo,Tu,Th-Sa 09:30-12:00,14:00-18:00": (
            "ouvert le lundi, le mardi et du jeudi au samedi, 9h30–12h et 14h–18h",
            "open Monday, Tuesday and Thursday to Saturday, 9:30–12:00 and 14:00–18:00"),
        "Mo-Su 10:00-19:00": ("ouvert tous les jours, 10h–19h", "open every day, 10:00–19:00"),
        "Fr,Sa 18:00-24:00": ("ouvert le vendredi et le samedi, 18h–minuit", "open Friday and Saturday, 18:00–midnight"),
        "Sa,Su": ("ouvert le samedi et le dimanche, toute la journée", "open Saturday and Sunday, all day"),
        "24/7": ("ouvert 24 h/24, 7 j/7", "open 24/7"),
        "off": ("fermé pour le moment", "closed for now"),
        "Mo-Fr 09:00-18:00; Dec 24-Jan 02 off": (
            "ouvert du lundi au vendredi, 9h–18h ; fermé du 24 décembre au 2 janvier",
            "open Monday to Friday, 9:00–18:00; closed from 24 December to 2 January"),
        "Aug 01-Aug 15 off": ("fermé du 1er au 15 août", "closed from 1 to 15 August"),  # weekly hours unknown
        "Aug 01-Aug 31 off; Dec 25 off": ("fermé en août ; fermé le 25 décembre", "closed in August; closed on 25 December"),
        "Mo-Su; Dec 25 off": ("ouvert 24 h/24, 7 j/7 ; fermé le 25 décembre", "open 24/7; closed on 25 December"),
    }
    for stored, (fr, en) in cases.items():
        assert (describe(stored, FR), describe(stored, EN)) == (fr, en)
    assert describe(None, FR) is None and describe("", EN) is None
    assert describe("n'importe quoi", FR) is None  # an unreadable row (made by hand) says nothing


def test_open_within_a_fortnight():
    monday = date(2026, 12, 7)
    saturdays = parse("Sa 10:00-13:00")
    assert saturdays.open_within(monday, 14) and not saturdays.open_within(monday, 5)  # Mon-Fri only
    assert not parse("fermé").open_within(monday, 14) and parse("fermé").closed
    assert parse("24/7").always and parse("24/7").open_on(monday)
    assert canonical(parse("lu 9h-12h")) == "Mo 09:00-12:00"
    holidays = parse("Mo-Fr 09:00-18:00; Dec 19-Jan 04 off")  # closed over the new year, 17 days
    assert not holidays.open_within(date(2026, 12, 20), 14) and holidays.open_within(date(2026, 12, 14), 14)
    assert parse("fermé en août").open_within(date(2026, 8, 25), 14)  # open again from 1 September
    assert not parse("fermé en août").open_on(date(2027, 8, 2)) and parse("fermé en août").days is None


def test_a_config_venue_with_bad_hours_is_named_with_its_key():
    with pytest.raises(ConfigError) as raised:
        parse_config('''
[network]
name = "N"

[[venues]]
slug = "a"
name = "A"
kind = "coworking"
hours = "lu-ve 9h-18h"

[[venues]]
slug = "b"
name = "B"
kind = "fablab"
hours = "Mo-Fr 9-18"
''', environ={})
    [problem] = raised.value.problems
    assert problem.startswith('venues[1].hours: "Mo-Fr 9-18" is not opening hours: "9" is not a time')
    assert 'e.g. "Mo-Fr 09:00-18:00; Sa 10:00-13:00"' in problem
    config = parse_config('[network]\nname = "N"\n\n[[venues]]\nslug = "a"\nname = "A"\nkind = "coworking"\n'
                          'hours = "fermé"\n', environ={})
    assert config.venues[0].hours == "fermé"
