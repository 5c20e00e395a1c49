"""Check digits of the codes a catalogue stores (GTIN-8/12/13/14)."""


def gtin_valid(code: str) -> bool:
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def gtin14(code: str) -> str:
    """Every GTIN written as 14 digits, the form GS1 labels carry after (01)."""
    return code.zfill(14)
