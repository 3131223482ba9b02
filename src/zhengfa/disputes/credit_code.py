"""The unified social credit code of an organisation (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character set (digits and capitals without I, O, Z, S, V):
the registering authority, the organisation type, the six-digit region code (GB/T 2260),
the nine-character organisation code (GB 11714) and a check character. The check
character is GB 32100-2015 §5 (ISO 7064 MOD 31-3 style): with Wᵢ = 3^(i−1) mod 31 for the
first 17 positions, C₁₈ = 31 − (Σ Cᵢ·Wᵢ mod 31), and 31 is written as 0.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))  # 1, 3, 9, 27, 19, 26, …


class CreditCodeError(ValueError):
    """Why a string is not a unified social credit code (the message says what is accepted)."""


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_clean(value: str) -> str:
    """The code upper-cased and checked; raises ``CreditCodeError`` with the reason."""
    code = value.strip().upper()
    if len(code) != LENGTH:
        raise CreditCodeError(
            f"a unified social credit code has {LENGTH} characters, not {len(code)}"
        )
    wrong = sorted({c for c in code if c not in CHARSET})
    if wrong:
        raise CreditCodeError(
            f"characters {''.join(wrong)!r} are not used; accepted: digits and capitals "
            "without I, O, Z, S, V (GB 32100-2015)"
        )
    expected = check_character(code[:-1])
    if code[-1] != expected:
        raise CreditCodeError(
            f"check character {code[-1]!r} does not match {expected!r} (GB 32100-2015 §5); "
            "check the code for a typing error"
        )
    return code
