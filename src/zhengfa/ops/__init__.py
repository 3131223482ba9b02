"""Operations: backup and restore of the database and uploaded files (docs/operations.md)."""
