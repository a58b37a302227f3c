"""Everything the bot says unprompted, on its way out.

`notify` is the one path to message a member (their language, their reachable platform, quiet hours,
the attention budget of `attention`); `dispatcher` delivers the outbox table (`storage.outbox`) through
the adapters, with typed errors, retries and at-most-once sends.
"""
