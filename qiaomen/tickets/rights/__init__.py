"""Residents' rights requests (PIPL arts. 45-47): see, correct or delete their personal information.

The RightsRequest table stays with the household and person it concerns (registry.models); the
services live here, like the door codes', because carrying a request out reaches every domain
that holds a person's data: the export of *see* reads their visits and tickets, and *delete*
erases the free text of both. tickets is the highest domain that holds personal data, and a
domain may only build on the ones below it.

- requests: receiving (staff or the resident's QR page), the state machine, carrying out
- export: the xlsx of everything held about a person (*see*)
- erasure: a person anonymised with their visits' and tickets' free text (*delete*)
- selectors: the scoped lookups and the list with deadlines
"""
