"""Venues: the network's places. The table's repository is `storage.venues`; `chat/` lists them and
holds the paged venue picker other flows reuse."""
