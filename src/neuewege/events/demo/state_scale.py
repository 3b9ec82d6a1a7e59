"""``neuewege demo --scale state``: ten years of events at the state's family centres."""

from datetime import UTC, date, datetime, time, timedelta

from .events import EventGenerator
from .formats import CAFE, COURSE, INFO


def plan_state(gen: EventGenerator):
    """Ten years of events at the state's family centres (about 50,000 registrations a year),
    and the months ahead: many centres hold a weekly or fortnightly Elterncafé."""
    rng, today = gen.random, gen.today
    first_year = today - timedelta(days=3650)

    def school_day(day):
        return not (
            (day.month == 7 and day.day > 10)
            or (day.month == 8 and day.day < 20)
            or (day.month == 12 and day.day > 20)
            or (day.month == 1 and day.day < 7)
        )

    def some_day(low: date, high: date) -> date:
        for _ in range(10):
            day = low + timedelta(days=rng.randint(0, max((high - low).days, 0)))
            if day.weekday() < 5 and school_day(day):
                return day
        return day

    for region, centres in gen.centres.items():
        for centre in centres:
            for year in range(10):
                low = first_year + timedelta(days=365 * year)
                high = min(low + timedelta(days=365), today - timedelta(days=1))
                if rng.random() < 0.13:
                    weeks, count = rng.choice((1, 2, 2)), rng.randint(6, 10)
                    capacity = rng.choice((12, 15, 15))
                    day = some_day(low, high - timedelta(weeks=weeks * count))
                    cancelled = rng.random() < 0.02
                    gen.place(
                        region,
                        centre,
                        CAFE,
                        gen.days_around(day),
                        when="past",
                        count=count,
                        weeks=weeks,
                        capacity=capacity,
                        demand=[rng.randint(3, capacity + 2) for _ in range(count)],
                        **_cancelled(gen, day, cancelled),
                    )
                for _ in range(int(rng.random() < 0.25) + int(rng.random() < 0.08)):
                    capacity = rng.choice((15, 15, 20))
                    day = some_day(low, high)
                    cancelled = rng.random() < 0.02
                    gen.place(
                        region,
                        centre,
                        INFO,
                        gen.days_around(day),
                        when="past",
                        capacity=capacity,
                        demand=[rng.randint(6, capacity + 3)],
                        **_cancelled(gen, day, cancelled),
                    )
                if rng.random() < 0.1:
                    day = some_day(low, high - timedelta(weeks=5))
                    gen.place(
                        region,
                        centre,
                        COURSE,
                        gen.days_around(day),
                        when="past",
                        capacity=12,
                        demand=[rng.randint(7, 15)],
                    )
            # the months ahead
            draw = rng.random()
            if draw < 0.75:
                weeks = 1 if draw < 0.45 else 2
                count = rng.randint(16, 22) if weeks == 1 else rng.randint(8, 12)
                capacity = rng.choice((12, 15, 15, 20))
                first = today + timedelta(days=rng.randint(1, 10))
                demand = [
                    gen.upcoming_demand(capacity, first + timedelta(weeks=weeks * n))
                    for n in range(count)
                ]
                gen.place(
                    region,
                    centre,
                    CAFE,
                    gen.days_around(first, 3),
                    when="future",
                    count=count,
                    weeks=weeks,
                    capacity=capacity,
                    demand=demand,
                )
            if rng.random() < 0.2:
                day = today + timedelta(days=rng.randint(3, 84))
                gen.place(
                    region,
                    centre,
                    INFO,
                    gen.days_around(day),
                    when="future",
                    demand=[gen.upcoming_demand(15, day)],
                )
            if rng.random() < 0.06:
                day = today + timedelta(days=rng.randint(7, 56))
                gen.place(
                    region,
                    centre,
                    COURSE,
                    gen.days_around(day),
                    when="future",
                    capacity=12,
                    demand=[gen.upcoming_demand(12, day) + 2],
                )
            if rng.random() < 0.03:
                day = today + timedelta(days=rng.randint(56, 112))
                gen.place(region, centre, INFO, gen.days_around(day), when="future", status="draft")
            if rng.random() < 0.01:
                day = today + timedelta(days=rng.randint(7, 28))
                gen.place(
                    region,
                    centre,
                    INFO,
                    gen.days_around(day),
                    when="future",
                    demand=[rng.randint(2, 10)],
                    status="cancelled",
                    cancelled_at=gen.now - timedelta(days=rng.randint(1, 5)),
                )
        gen.flush()


def _cancelled(gen: EventGenerator, day: date, cancelled: bool) -> dict:
    if not cancelled:
        return {}
    at = datetime.combine(day - timedelta(days=gen.random.randint(1, 6)), time(12), tzinfo=UTC)
    return {"status": "cancelled", "cancelled_at": at}
