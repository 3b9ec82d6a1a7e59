"""``neuewege demo --scale demo``: the events of every demo region."""

from datetime import timedelta

from neuewege.core.models import Person

from .events import EventGenerator
from .formats import CAFE, COURSE, INFO


def plan_demo(gen: EventGenerator):
    """Every demo region: events of all three formats at its family centres, past (held and
    closed, with attendance), upcoming (single events, an Elterncafé every 2nd week, a parent
    course), some drafts and one cancelled event; full dates with a waiting list."""
    rng, today = gen.random, gen.today

    def ago(days):
        return today - timedelta(days=days)

    def ahead(days):
        return today + timedelta(days=days)

    # the centre of a region's first head comes first: the demo account of a family centre
    # (core/demo/generate.py) is that person's, so it shows every kind of event
    first_heads = {}
    for region, centre in Person.objects.filter(
        function=Person.Function.FAMILY_CENTRE_HEAD,
        institution__external_id__startswith=f"{gen.prefix}:",
    ).values_list("institution__region_id", "institution_id"):
        first_heads.setdefault(region, centre)
    for region, centres in gen.centres.items():
        head = first_heads.get(region)
        if head in centres:
            centres = [head] + [centre for centre in centres if centre != head]

        def at(index, centres=centres):
            return centres[index % len(centres)]

        def place(index, code, first_days, region=region, **details):
            return gen.place(region, at(index), code, first_days, **details)

        # held and closed
        place(0, INFO, gen.days_around(ago(63)), when="past", capacity=15, demand=[18])
        last = ago(rng.randint(3, 9))
        place(
            1,
            CAFE,
            gen.days_around(last - timedelta(weeks=8), 2),
            when="past",
            count=5,
            weeks=2,
            demand=[rng.randint(6, 13) for _ in range(5)],
        )
        place(2, COURSE, gen.days_around(ago(70)), when="past", capacity=12, demand=[15])
        place(5, CAFE, gen.days_around(ago(120)), when="past", demand=[rng.randint(7, 12)])
        # published
        place(
            0,
            CAFE,
            gen.days_around(ahead(5), 3),
            when="future",
            count=8,
            weeks=2,
            capacity=12,
            demand=[14, 8, 5, 3, 2, 1],
        )
        place(3, INFO, gen.days_around(ahead(15), 5), when="future", demand=[9])
        place(4, INFO, gen.days_around(ahead(35), 5), when="future", capacity=20, demand=[4])
        full_course = len(centres) > 8
        place(
            0,
            COURSE,
            gen.days_around(ahead(21), 6),
            when="future",
            capacity=12,
            demand=[15 if full_course else 8],
        )
        place(6, CAFE, gen.days_around(ahead(9), 3), when="future", capacity=10, demand=[13])
        # drafts and a cancelled event
        place(7, INFO, gen.days_around(ahead(56), 5), when="future", status="draft")
        place(
            6, CAFE, gen.days_around(ahead(42), 3), when="future", count=6, weeks=2, status="draft"
        )
        place(
            4,
            INFO,
            gen.days_around(ahead(14), 3),
            when="future",
            status="cancelled",
            demand=[6],
            cancelled_at=gen.now - timedelta(days=rng.randint(1, 3)),
        )
        # larger regions: every further centre gets a past and an upcoming event
        for index in range(8, len(centres)):
            code = [CAFE, INFO, COURSE][index % 3]
            place(
                index,
                code,
                gen.days_around(ago(rng.randint(20, 240))),
                when="past",
                capacity=12,
                demand=[rng.randint(5, 14) for _ in range(4)],
                count=4 if code == CAFE else 1,
                weeks=2,
            )
            place(
                index,
                code,
                gen.days_around(ahead(rng.randint(4, 40))),
                when="future",
                capacity=12,
                demand=[rng.randint(2, 14), rng.randint(0, 6)],
                count=6 if code == CAFE else 1,
                weeks=1,
            )
