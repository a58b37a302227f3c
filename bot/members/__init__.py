"""Members: their contacts across platforms, their languages, and the chat of joining and profiles.

`contacts` (how to reach someone, revealed only after both accept), `languages` (the shared list of
languages people may speak); `chat/` holds onboarding, /profile, /link and the accounts helpers.
"""
