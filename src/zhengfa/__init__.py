"""zhengfa: one statutory-clock engine for political-legal affairs work (政法工作)."""

__version__ = "0.1.0"
