"""All SQLAlchemy models. Every module of this package is imported here, so `Base.metadata` knows
every table (Alembic reads it): a feature area adds its models as a new module, nothing else.
"""

import importlib
import pkgutil

from storage.models.base import Base, UTCDateTime, utcnow
from storage.models.members import Identity, Member, MemberSkill, MemberVenue, Skill
from storage.models.network import Role, Venue, VenueChat
from storage.models.runtime import Activity, ConversationState, OutboxMessage

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "Activity", "Base", "ConversationState", "Identity", "Member", "MemberSkill", "MemberVenue",
    "OutboxMessage", "Role", "Skill", "UTCDateTime", "Venue", "VenueChat", "utcnow",
]
