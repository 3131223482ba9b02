"""Audit: an append-only, tamper-evident record of every change and every view of personal data."""
