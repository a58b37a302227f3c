"""Calendar feeds merged into the network programme, and the programme exported as iCalendar.

- `sync`: fetch, parse and apply one source or all of them (the job and `maillage feeds sync`);
- `apply`: upsert a parse result into events (unchanged rows untouched, vanished ones cancelled);
- `dedupe` / `match`: the same event from two sources becomes one event with co-hosts;
- `announce`: imported events announced once, when they come within a week;
- `health`: failures recorded on the source, hosts told once per failure streak;
- `config_feeds`: `[[events.feeds]]` kept in step with FeedSource rows;
- `urls`: which addresses are accepted from the config and from a chat (no private hosts);
- `export` / `calendar_tokens`: ICS files for the network, a venue, a member's private URL.
"""
