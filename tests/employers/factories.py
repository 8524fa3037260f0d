"""Helpers for employer tests (the shared factories live in tests/factories.py)."""

from stdnum.no import orgnr


def valid_orgnr(n: int) -> str:
    """The n-th valid organisation number (9 digits, mod-11 check digit)."""
    base = 910_000_00 + n * 7
    while True:
        digits = f"{base:08d}"
        for check in range(10):
            candidate = f"{digits}{check}"
            if orgnr.is_valid(candidate):
                return candidate
        base += 1
