"""Insight: early warning from how matters end (苗头、趋势), one map, responsibility scores."""
