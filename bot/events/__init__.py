"""The network programme's domain logic, shared by the chat features, the jobs and the feed importer.

- `render`: dates and event cards in the reader's language and time zone;
- `queries`: finding events, their venues, chats and people;
- `announce`: announcing a published event, telling people going about changes and cancellations;
- `rsvp`: going / not going, capacity, the waiting list and its promotions;
- `geo`: distances for "near me".
"""
