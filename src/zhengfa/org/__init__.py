"""Organisation: regions, grids (网格), police beats (警格), units, people and their scope."""
