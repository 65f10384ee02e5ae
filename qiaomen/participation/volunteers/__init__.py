"""Volunteers (R-PAR-1): enrolment and teams, service hours, the points ledger, the catalogue,
the yearly stars and the command centre's figures. Services write, selectors read; every lookup
of a record for a user goes through the scoped helpers of scope.py."""
