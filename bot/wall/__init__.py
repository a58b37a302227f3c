"""The live wall: the network's life on lobby screens and venues' websites (panels, live changes, moderation, embeds).

Issue in progress: this package is the capability's home (logic here, chat handlers in `chat/`).
"""
