"""Importing people from department files (R-REG-3).

The way through, one module per step:
- `files`: is this upload a spreadsheet at all (by content, not by name), and its rows;
- `headers`: which column holds which field (known variants, remembered and explicit mappings);
- `rows`: one row cleaned and validated into a `CleanRow`, or the problems found in it;
- `merge`: a validated row against the stored person: create, update, or report a conflict;
- `rejects`: the rows that were not imported, written back with the reason for correction;
- `services`: `import_plan` and `import_commit` (what the command calls), `header_aliases_remember`;
- `repeats`: a person listed twice in one file, found in a file read whole or as it streams;
- `uploads`: the import page's way through (upload, preview, confirm, rejected rows);
- `conflicts`: `conflict_resolve`, an admin deciding between two sources;
- `selectors`: imports and open conflicts as a user may see them;
- `lookups`, `person_values`, `problems`: what the steps share.
"""
