"""Tests of the matchmaking engine (bot.matching)."""
