"""Ids from the URL or a form: anything but a positive 64-bit number is no record (404)."""

MAX_ID = 2**63 - 1


def record_id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None
