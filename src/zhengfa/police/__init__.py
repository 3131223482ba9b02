"""Police work: incident intake and triage (警情分流), duty planning, anti-fraud warnings."""
