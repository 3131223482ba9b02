"""Police services: every write, with its audit row, in one transaction."""
