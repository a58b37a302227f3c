"""The words of the partners' capability: kinds of opportunities, and which audiences a kind of
partner usually serves (its calendar feed lists the network's events for those audiences)."""

from __future__ import annotations

from bot.i18n import Translator, catalogue

OPPORTUNITY_KINDS = ("internship", "job", "mission", "challenge", "project_call", "expertise", "mentoring")

# A partner's calendar (/calendar/partner/<slug>.ics) carries its own events and the network's
# events for the audiences its kind serves: what a university or an E2C subscribes its people to.
KIND_AUDIENCES = {
    "university": ("students",),
    "school": ("students",),
    "e2c": ("job_seekers", "students"),
    "association": ("entrepreneurs", "freelancers"),
    "company": ("entrepreneurs", "freelancers", "job_seekers"),
    "public body": ("job_seekers", "entrepreneurs", "everyone"),
}


def kind_label(kind: str | None, t: Translator) -> str:
    """A partner kind in the reader's language; configured kinds without a label read as typed."""
    if not kind:
        return ""
    key = f"partners.kind.{kind.replace(' ', '_')}"
    return t(key) if key in catalogue(t.locale) else kind


def opportunity_kind_label(kind: str, t: Translator) -> str:
    return t(f"partners.opportunity_kind.{kind}") if kind in OPPORTUNITY_KINDS else kind
