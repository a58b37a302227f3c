"""Matchmaking around the pure engine (`bot.matchmaking.engine`): who is due, rounds written exactly once,
messages in each member's language, answers with consent before contacts, figures for animators.

Modules: `periods` (schedule and period strings), `candidates` and `history` (the engine's inputs,
from the database), `run` (plan and write a round), `render` (reasons as sentences), `respond`
(answers, reveals, expiry, follow-ups, pause ends), `preview` (dry-run document), `stats` and
`heatmap` (figures), `prefs` (members' settings), `personal` (export and erase).
"""
