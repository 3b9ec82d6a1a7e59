"""schemathesis hooks of `make fuzz` (SCHEMATHESIS_HOOKS=tests.api.fuzz_hooks).

Dates and times the API takes lie in the years 2000 to 2099 (their pattern ``^20\\d\\d-`` says
so). schemathesis draws them from all years and keeps those that fit the pattern, too few to
test with: draw them from those years in the first place. Data outside them is still generated
for the negative cases."""

from datetime import UTC, date, datetime

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
