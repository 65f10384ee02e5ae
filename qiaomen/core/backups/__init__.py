"""Encrypted, verified backups (SECURITY 33): `files` seals and opens the backup file, `sqlite` and
`postgres` take and restore a consistent copy, `services` ties them together for the commands."""
