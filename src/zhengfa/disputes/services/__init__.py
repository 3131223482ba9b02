"""Every write of the disputes app: ``<entity>_<action>(*, actor, …)``, one transaction,
its audit row in it. Flow matters, clocks and approvals only through the flow services."""
