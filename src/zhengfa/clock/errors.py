"""Errors of the legal clock. Each message says what is wrong and what is accepted."""

from __future__ import annotations


class ClockError(ValueError):
    """Base class: bad input to the clock (a date, a period, a rule, a pause, an extension)."""


class CalendarYearMissing(ClockError):
    """A date falls in a year the work calendar cannot answer for (or only provisionally,
    under strict mode)."""

    def __init__(self, year: int, reason: str) -> None:
        self.year = year
        super().__init__(
            f"CalendarYearMissing: {year} {reason}. To add it, save the State Council's "
            f"notice on {year} holidays (国务院办公厅关于{year}年部分节假日安排的通知) as a text "
            f"file and run `zhengfa clock import-notice FILE`, or upgrade the `chinesecalendar` "
            f"package once it covers {year}."
        )


class UnknownRule(ClockError):
    """No limit with this code in the table."""

    def __init__(self, code: str, known: list[str]) -> None:
        self.code = code
        super().__init__(
            f"unknown rule {code!r}; accepted codes: {', '.join(known)} "
            "(`zhengfa clock rules` prints the table)"
        )


class InvalidPeriod(ClockError):
    """A period amount, unit or combination that the clock cannot count."""


class InvalidPause(ClockError):
    """A pause (中止) or deduction (扣除) that overlaps another, ends before it starts, or lies
    outside the clock's run."""


class ExtensionNotAllowed(ClockError):
    """An extension (延长) that the rule's ladder does not allow: too long, too many, or
    approved at the wrong level."""


class ClockStopped(ClockError):
    """The clock was stopped (结案); it takes no more events."""


class NoticeParseError(ClockError):
    """A holiday notice whose text could not be read as the State Council's notice."""
