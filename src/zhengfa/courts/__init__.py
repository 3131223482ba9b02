"""Courts: trial process management (审判流程管理) on the flow engine."""
