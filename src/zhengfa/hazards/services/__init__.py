"""Every write of the hazards app: campaigns, inspections and findings, rectification."""
