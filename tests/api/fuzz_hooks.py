"""schemathesis hooks of `make fuzz` (SCHEMATHESIS_HOOKS=tests.api.fuzz_hooks).

Each request comes from an address of its own, as the server's proxy reports it
(X-Forwarded-For; the server runs with NEUEWEGE_PROXY_COUNT=1): the fuzz sends many wrong
tokens on purpose, and the limit on them (429 for the address) would otherwise hide the whole
API after twenty. The limit itself is tested in tests/core/test_guessing_limits.py.

Dates and times the API takes lie in the years 2000 to 2099 (their pattern ``^20\\d\\d-`` says
so). schemathesis draws them from all years and keeps those that fit the pattern, too few to
test with: draw them from those years in the first place. Data outside them is still generated
for the negative cases."""

from datetime import UTC, date, datetime
from itertools import count

import schemathesis
from hypothesis import strategies as st

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

schemathesis.openapi.format(
    "date", st.dates(min_value=EARLIEST, max_value=LATEST).map(date.isoformat)
)
schemathesis.openapi.format(
    "date-time",
    st.datetimes(
        min_value=datetime.combine(EARLIEST, datetime.min.time()),
        max_value=datetime.combine(LATEST, datetime.max.time()),
        timezones=st.just(UTC),
    ).map(lambda moment: moment.isoformat().replace("+00:00", "Z")),
)


ADDRESSES = count(1)


@schemathesis.hook
def before_call(context, case, **kwargs):
    number = next(ADDRESSES)
    if case.headers is None:
        case.headers = {}
    case.headers["X-Forwarded-For"] = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
