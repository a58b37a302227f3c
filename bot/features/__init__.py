"""Chat features that belong to no capability: /help, /cancel, /language, /mydata and /forget.

Each module exposes `register(registry)`; the composition root (`bot.app.FEATURES`) lists them with
the capabilities' `chat` packages.
"""
