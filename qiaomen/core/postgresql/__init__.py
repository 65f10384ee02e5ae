"""PostgreSQL, with the timestamps of every result parsed by psycopg's C loader (see base)."""
