"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2), for the civic-issue
clients many cities use (FixMyStreet and others).

- `keys`: the clients' API keys (only their SHA-256 is stored) and the per-key POST limit.
- `locations`: where a request is, matched to a household or a building of the street.
- `requests`: creating a ticket from a POSTed request and reading the key's requests back.
- `render`: the same documents as JSON (Spark convention) and schemaless XML, and the errors.
- `views`: plain Django views, one per GeoReport method, `.json` and `.xml` each.

Privacy (SECURITY.md line 5, PIPL): GET requests answers only requests created through Open311
by the very key that asks, never anyone else's demands, and never a submitter's name, e-mail or
phone (those are stored encrypted and only staff see them with the ticket). A description may
hold personal data, which is why reading requests needs the api_key too, unlike the public
service list and service definitions.
"""
