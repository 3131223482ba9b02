"""The flow engine: matters, their clocks, approvals, warnings, escalation and accountability."""
