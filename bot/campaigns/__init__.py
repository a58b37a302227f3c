"""Campaigns by network animators and hosts: compose, target, preview, schedule, send under the
one attention budget, results.

- `audience`: the filters an animator types, resolved to members (consent and visibility respected);
- `schedule`: "maintenant", "jeudi 9h sur 3h", "chaque lundi 10h" -> when, spread, recurrence;
- `render`, `reasons`: the message a member reads, and why they receive it;
- `sending`: the preview's headcount and the batch-by-batch sending through `bot.outbox.notify`;
- `answers`, `results`, `personal`: polls, "I'm interested", opt-outs; figures; /mydata and /forget;
- `chat/`: /campaign (/campagne), the members' buttons, /notifications.
"""
