"""The live wall: the network's life on lobby screens and venues' websites.

- `panels.py`      what a wall shows (neutral data), with the privacy rules of `privacy.py`
- `changes.py`     the change log (`wall_changes`) every process writes and the web face polls
- `consent.py`     "show me on the wall" (off by default), /mydata and /forget
- `moderation.py`  hiding items ("event:12", "member:5") and what a moderator may act on
- `programme.py`   the programme and venues for the JSON API and the embeddable widget
- `links.py`       deep links behind the QR codes;  `tokens.py`  private venue walls
- `chat/`          /wall (/mur), the consent button, the hosts' notice, /start ev_<id>

The web pages, the event stream and the rendering are in `adapters/web/wall*.py`.
"""
