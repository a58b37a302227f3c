"""The territory's partners: partner contacts and the opportunities they post to members whose skills fit.

Issue in progress: this package is the capability's home (logic here, chat handlers in `chat/`).
"""
