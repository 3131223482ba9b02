"""The online service hall: a 24/7 service catalogue with time limits, Open311, accidents."""
