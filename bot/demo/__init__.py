"""The demo network: a packaged configuration and a seeded community, for `maillage demo`."""
