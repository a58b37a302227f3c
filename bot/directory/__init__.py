"""The member directory behind /find: an in-memory index of who offers what, and who may see whom.

`index` holds the pure data structure (skill -> members, bio words -> members, visibility sets) and
ranks a query; `text` is the typo-tolerant bio word index; `changes` notices writes to members and
skills so the index stays fresh; `service` loads the index from the database and keeps one per
process; `visibility` is the single rule of who may see a profile, checked again against the
database for every page shown.
"""
