"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2), for the civic-issue
clients many cities use (FixMyStreet and others).

- `models`: the clients' keys and the requests they sent beside the tickets they created.
- `keys`: the keys (only their SHA-256 is stored) and the per-key POST limit.
- `locations`: where a request is, matched to a household or a building of the street.
- `requests`: checking a POSTed request and creating its ticket.
- `reads`: GET requests and requests/{id}: what anyone reads, what a key reads of its own.
- `scrub`: phone, ID and other long numbers out of a description before it is published.
- `render`: the same documents as JSON (Spark convention) and schemaless XML, and the errors.
- `views`: plain Django views, one per GeoReport method, `.json` and `.xml` each.

Privacy (SECURITY.md line 5, PIPL): reads need no key, as the specification says, so what they
answer is public: no name, e-mail, phone, address or household of anyone, locations to about
100 m, descriptions only of requests that came in through Open311 and scrubbed of numbers,
none at all for the health services (reads.py). The submitter's contact is stored encrypted
and only staff see it with the ticket.
"""
