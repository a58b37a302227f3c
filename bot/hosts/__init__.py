"""Hosts of venues and the chats they bind: who may post for a venue, where the programme is announced;
and the hosts' network: their group (`network_chat`, `welcome`), the weekly pulse (`pulse`), collaboration
suggestions and co-hosting proposals (`suggestions`, `cohost`), a venue's figures (`stats`), and what
/mydata and /forget see (`personal`)."""
