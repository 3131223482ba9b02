"""Every write of the flow engine: ``<entity>_<action>(*, actor, …)`` in one transaction
with its audit row."""
