"""The service menu, its partners and service points (R-PAR-3):

- scope: which partners, entries and points a user sees, one lookup helper per record type
- services: keeping partners, menu entries and service points (street staff), audited
- requests: a resident's request for a menu service from the QR page, through the tickets intake
- coverage: the share of households within 800 m (straight line) of a point open that week
- figures: menu size and coverage for the command centre
"""
