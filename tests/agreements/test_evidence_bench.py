"""The evidence pack's benchmark (bench/evidence.py) measures a family centre with ten dense
years of events: it gives the busiest centre that history once, through the demo data's
generators, and finds it again the next time."""

from datetime import date

from django.core.management import call_command
from django.utils import timezone

from bench import evidence as bench
from neuewege.agreements import evidence
from neuewege.evaluation.models import SurveyCount, SurveyResponse
from neuewege.events.models import ParentEvent


def test_the_bench_gives_one_centre_ten_dense_years_once(db, capsys):
    call_command("demo", "--scale", "demo")
    today = timezone.localdate()
    centre, made = bench.dense_history(today)
    assert made
    assert bench.dense_history(today) == (centre, False)  # idempotent: found, not made again
    marked = ParentEvent.objects.filter(family_centre=centre, title_de__startswith=bench.MARK)
    assert marked.count() == 4 * bench.YEARS
    assert ParentEvent.objects.filter(title_de__startswith=bench.MARK).count() == 4 * bench.YEARS

    year = today.year - 1
    found = evidence.collect(centre, evidence.ReviewPeriod(date(year, 1, 1), date(year, 12, 31)))
    dense = [item for item in found.events if item.event.title.startswith(bench.MARK)]
    assert sorted(item.dates for item in dense) == [1, 1, 5, 12]  # café, 2 topics, a course
    assert all(item.speakers and item.attended >= 5 for item in dense)
    assert all(len(item.days) == len(set(item.days)) for item in dense)
    responses = SurveyResponse.objects.filter(event__in=marked)
    assert responses.count() > 100
    # the kept survey counts recounted for them: the evaluation's figures see the responses
    kept = SurveyCount.objects.filter(family_centre=centre).values_list("responses", flat=True)
    assert sum(kept) >= responses.count()
