"""Hosts of venues and the chats they bind: who may post for a venue, where the programme is announced."""
