"""Backups of the whole site (database and uploaded media) in one archive, and their restore:
`manage.py backup` and `manage.py restore` (docs/operations.md)."""
