"""The territory's partners: partner organisations and their contacts (`contacts`), the
opportunities they post (`opportunities`), who is proposed one (`targeting`), the double opt-in
between an interested member and the poster (`interest`), and what /mydata and /forget cover
(`personal`). Handlers are in `chat/`; the closing job is `jobs/partners.py`.
"""
