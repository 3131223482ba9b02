"""Trend alerts (苗头预警), their task lists (任务清单) and weekly e-mailed reports."""
