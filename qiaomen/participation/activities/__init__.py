"""Residents' participation (R-PAR-2): meetings, activities, self-governing groups and the
participation rate. `scope` holds the one scoped lookup per record type, `meetings`, `activities`
and `groups` the writes, `rate` the figures."""
