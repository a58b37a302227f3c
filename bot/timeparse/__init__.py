"""French and English dates and times as people type them ("jeudi 18h30", "next friday 7pm").

`parser` reads a start (`parse_when`) and an end or a duration (`parse_end_or_duration`); `tokens`,
`lexicon` and `duration` are its parts; `errors` says what was not understood, to explain it back.
"""
