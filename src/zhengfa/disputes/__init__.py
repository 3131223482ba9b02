"""Disputes: "1+4+N" dispute resolution, the three ways to mediate (三调), letters and visits."""
