"""Tests of the matchmaking engine (bot.matchmaking.engine)."""
