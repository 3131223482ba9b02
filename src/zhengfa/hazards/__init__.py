"""Hazards: inspection campaigns, rectification on the clock (隐患不过夜), the risk ledger."""
