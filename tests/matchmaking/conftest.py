"""The matchmaking feature tests' helpers (members made in the database), shared with this folder."""

from tests.features.matchmaking.conftest import Network, net  # noqa: F401
