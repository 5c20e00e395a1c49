"""Check digits of the codes a catalogue stores (GTIN-8/12/13/14)."""


def gtin_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit for the digits before it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin_valid(code: str) -> bool:
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    return gtin_check_digit(code[:-1]) == code[-1]


def gtin14(code: str) -> str:
    """Every GTIN written as 14 digits, the form GS1 labels carry after (01)."""
    return code.zfill(14)
