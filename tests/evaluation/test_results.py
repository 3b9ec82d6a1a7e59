"""The results of the evaluation against a hand-counted fixture: events, parents, counselling,
invitations, responses and steps by format, region and quarter; the small-number rule; the
filters; a fixed number of queries however many regions and events; the free texts stay in the
region.

The fixture (``results_world``), on 10 March 2026, period the first quarter of 2026:

Kreis Wesel
- Elterncafé A (Sonnenschein), 13 Jan 2026: 4 confirmed (3 present), 1 cancelled, 1 waiting;
  2 counselling appointments. 6 invitations sent (+1 not sent), 5 responses: 4 took a step
  (counselling x3, application x2, job x1), usefulness 5, 4, 4, 3, 2; two free texts.
- Elterncafé B (Regenbogen), 3 and 10 Feb 2026: 2 confirmed on the first date (1 present),
  1 on the second (present); 1 counselling appointment.
- Elternkurs (Sonnenschein), five Mondays from 2 Feb 2026: 3 confirmed (2 present), 1 waiting;
  1 counselling appointment. 4 invitations, 4 responses: all took a step (counselling x4,
  training x2), usefulness 5.
- Not counted: a cancelled Themenveranstaltung (Jan 2026), an Elterncafé before the period
  (Dec 2025).
Kreis Borken
- Elterncafé, 13 Jan 2026: 2 confirmed, both present. 5 invitations, 5 responses, no steps,
  usefulness 1.
"""

import itertools
from datetime import date, datetime, time

import pytest
from django.db import connection
from django.utils import timezone, translation

from neuewege.core.access import access_for, system_access
from neuewege.core.models import User
from neuewege.evaluation import results, services
from neuewege.evaluation.disclosure import Period
from neuewege.evaluation.models import Questionnaire, SurveyInvitation
from neuewege.evaluation.permissions import READ_FREE_TEXTS
from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP
from neuewege.evaluation.results import Figure, Filters
from neuewege.events.models import ConsentText, Registration
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

TODAY = date(2026, 3, 10)
PERIOD = Period.quarter(2026, 1)
emails = itertools.count()


def at(day, hour=9, minute=30):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


NOW = at(TODAY, 12, 0)


def register(event, session=None, *, status="confirmed", attended=()):
    registration = Registration.objects.create(
        event=event,
        session=session,
        status=status,
        source=Registration.Source.ONLINE,
        first_name="Olena",
        email=f"parent{next(emails)}@example.org",
        language="uk",
        consent=ConsentText.objects.get(purpose="booking", version=1),
        consented_at=NOW,
    )
    registration.attended_sessions.add(*attended)
    return registration


def survey(event, month, answers, *, unsent=0):
    """One invitation per entry of ``answers``, sent; each answered with its entry (None: not
    answered); ``unsent`` more invitations that were never sent."""
    questionnaire = Questionnaire.objects.current(PARENT_FOLLOW_UP)
    for number, entry in enumerate([*answers, *[False] * unsent]):
        invitation, token = services.create_invitation(
            questionnaire=questionnaire,
            event=event,
            month=month,
            due_on=date(2026, 3, 1),
            expires_on=date(2026, 4, 12),
        )
        if entry is False:
            continue
        SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=NOW)
        if entry is not None:
            services.submit_response(token=token, answers=entry, today=TODAY)
        assert number < 100


def step(*steps, useful=4, missing=""):
    answers = {"took_step": "yes", "steps": list(steps), "useful": useful}
    return answers | ({"missing": missing} if missing else {})


def no_step(useful=2, missing=""):
    return {"took_step": "no", "useful": useful} | ({"missing": missing} if missing else {})


def sessions(event):
    return list(event.sessions.order_by("starts_at"))


@pytest.fixture
def results_world(wesel, borken, family_centre):
    return build_results_world(wesel, borken, family_centre)


def build_results_world(wesel, borken, family_centre):
    """The fixture above (the other test modules of the results build it through this)."""
    regenbogen = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    borken_centre = InstitutionFactory(
        region=borken, name="Familienzentrum Borken", postcode="46325", town="Borken"
    )
    cafe_a = make_event(family_centre, "parent_cafe", starts=at(date(2026, 1, 13)), status="held")
    (session_a,) = sessions(cafe_a)
    for present in (True, True, True, False):
        register(cafe_a, session_a, attended=[session_a] if present else [])
    register(cafe_a, session_a, status="cancelled")
    register(cafe_a, session_a, status="waitlisted")
    session_a.counselling_appointments = 2
    session_a.save()

    cafe_b = make_event(regenbogen, "parent_cafe", starts=at(date(2026, 2, 3)), dates=2)
    first, second = sessions(cafe_b)
    register(cafe_b, first, attended=[first])
    register(cafe_b, first)
    register(cafe_b, second, attended=[second])
    first.counselling_appointments = 1
    first.save()

    course = make_event(family_centre, "parent_course", starts=at(date(2026, 2, 2)))
    modules = sessions(course)
    assert len(modules) == 5 and modules[-1].starts_at < NOW
    register(course, attended=modules[:2])
    register(course, attended=modules[2:3])
    register(course)
    register(course, status="waitlisted")
    modules[0].counselling_appointments = 1
    modules[0].save()

    cancelled = make_event(
        family_centre, "info_session", starts=at(date(2026, 1, 20)), status="cancelled"
    )
    register(cancelled, sessions(cancelled)[0])
    before = make_event(family_centre, starts=at(date(2025, 12, 2)), status="held")
    register(before, sessions(before)[0], attended=sessions(before))

    borken_cafe = make_event(borken_centre, starts=at(date(2026, 1, 13)), status="held")
    (session_b,) = sessions(borken_cafe)
    register(borken_cafe, session_b, attended=[session_b])
    register(borken_cafe, session_b, attended=[session_b])

    survey(
        cafe_a,
        date(2026, 1, 13),
        [
            step("counselling", "application", useful=5, missing="Mehr Termine am Nachmittag"),
            step("counselling", useful=4),
            step("counselling", "job", useful=4, missing="Die Kinderbetreuung war super"),
            step("application", useful=3),
            no_step(useful=2),
            None,  # sent, not answered
        ],
        unsent=1,
    )
    survey(
        course,
        date(2026, 3, 2),
        [step("counselling", "training", useful=5)] * 2 + [step("counselling", useful=5)] * 2,
    )
    survey(borken_cafe, date(2026, 1, 13), [no_step(useful=1)] * 5)
    return {
        "wesel": wesel,
        "borken": borken,
        "sonnenschein": family_centre,
        "regenbogen": regenbogen,
        "cafe_a": cafe_a,
        "course": course,
    }


def wesel_filters(world, **changes):
    return Filters(**({"period": PERIOD, "region": world["wesel"]} | changes))


def table(figures, name):
    """A table as {row key: {column code: shown text}}."""
    chosen = figures.tables()[name]
    return {
        row.key: {
            column.code: str(cell) for column, cell in zip(chosen.columns, row.cells, strict=True)
        }
        for row in chosen.rows
    }


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def compute(filters, regions=None):
    return results.Results(filters, results.compute(filters, now=NOW), regions=regions)


def test_the_events_and_parents_count_by_hand(results_world, english):
    figures = compute(wesel_filters(results_world))
    events = table(figures, "events")
    assert events["parent_cafe"] == {
        "events": "2",
        "sessions": "3",
        "registered": "7",
        "attended": "5",
        "attendance_rate": "71 %",
        "counselling": "3",
    }
    assert events["parent_course"] == {
        "events": "1",
        "sessions": "5",
        "registered": "3",
        "attended": "2",
        "attendance_rate": "67 %",
        "counselling": "1",
    }
    assert events["info_session"]["events"] == "0"
    assert events["info_session"]["attendance_rate"] == "—"  # nothing to divide by
    assert events["total"] == {
        "events": "3",
        "sessions": "8",
        "registered": "10",
        "attended": "7",
        "attendance_rate": "70 %",
        "counselling": "4",
    }


def test_the_survey_counts_by_hand(results_world, english):
    figures = compute(wesel_filters(results_world))
    survey_table = table(figures, "survey")
    # five responses of the Elterncafé, but all formats hold four more (the course's): the
    # two figures side by side would describe those four, so the café's are withheld
    assert survey_table["parent_cafe"] == {
        "invitations": "6",
        "responses": "< 5",
        "response_rate": "< 5",
        "took_step": "< 5",
        "benchmark": "90 %",
        "helpful": "< 5",
    }
    # four responses of the course: every figure derived from them is withheld
    assert survey_table["parent_course"] == {
        "invitations": "4",
        "responses": "< 5",
        "response_rate": "< 5",
        "took_step": "< 5",
        "benchmark": "100 %",
        "helpful": "< 5",
    }
    assert survey_table["total"] == {
        "invitations": "10",
        "responses": "9",
        "response_rate": "90 %",
        "took_step": "89 %",
        "benchmark": "—",
        "helpful": "78 %",
    }
    summary = table(figures, "summary")
    assert {code: values["value"] for code, values in summary.items()} == {
        "events": "3",
        "sessions": "8",
        "registered": "10",
        "attended": "7",
        "attendance_rate": "70 %",
        "counselling": "4",
        "invitations": "10",
        "responses": "9",
        "response_rate": "90 %",
        "took_step": "89 %",
        "helpful": "78 %",
    }


def test_the_steps_count_by_hand_by_format(results_world, english):
    steps = table(compute(wesel_filters(results_world)), "steps")
    assert list(steps) == [
        "took_step",
        "counselling",
        "application",
        "training",
        "internship",
        "job",
        "childcare",
        "other",
    ]
    assert steps["took_step"] == {
        "parent_cafe": "< 5",
        "info_session": "–",  # no information session: no invitation
        "parent_course": "< 5",
        "all": "89 %",
    }
    assert steps["counselling"] == {
        "parent_cafe": "< 5",
        "info_session": "–",
        "parent_course": "< 5",
        "all": "78 %",
    }
    assert steps["application"]["parent_cafe"] == steps["job"]["parent_cafe"] == "< 5"
    assert (steps["application"]["all"], steps["training"]["all"], steps["job"]["all"]) == (
        "22 %",
        "22 %",
        "11 %",
    )
    assert steps["internship"]["all"] == "0 %"


def test_the_trend_follows_the_period(results_world, english):
    trend = table(compute(wesel_filters(results_world)), "trend")
    assert list(trend) == ["2026-01", "2026-02", "2026-03"]
    # January: five responses, but the quarter holds four more (March's)
    assert trend["2026-01"] == {
        "events": "1",
        "sessions": "1",
        "attended": "3",
        "invitations": "6",
        "responses": "< 5",
        "response_rate": "< 5",
        "took_step": "< 5",
    }
    # February: no invitation sent, so nothing to withhold: "–", not "< 5"
    assert trend["2026-02"] == {
        "events": "2",
        "sessions": "6",
        "attended": "4",
        "invitations": "0",
        "responses": "–",
        "response_rate": "–",
        "took_step": "–",
    }
    assert (trend["2026-03"]["events"], trend["2026-03"]["invitations"]) == ("1", "4")
    labels = [row.label for row in compute(wesel_filters(results_world)).trend().rows]
    assert labels == ["January 2026", "February 2026", "March 2026"]
    year = compute(wesel_filters(results_world, period=Period.year(2026))).trend()
    assert [row.key for row in year.rows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert year.title == "Trend by quarter"
    assert str(year.rows[0].cells[4]) == "9"  # the first quarter: the whole year's nine


def test_dates_not_yet_begun_are_not_held(results_world):
    ahead = make_event(results_world["sonnenschein"], "info_session", starts=at(date(2026, 3, 20)))
    register(ahead, sessions(ahead)[0])
    filters = wesel_filters(results_world)
    before = results.Results(filters, results.compute(filters, now=NOW))
    assert (before.total.events, before.total.registered) == (3, 10)
    after = results.Results(filters, results.compute(filters, now=at(date(2026, 3, 25))))
    assert (after.total.events, after.total.registered) == (4, 11)
    assert after.by_format["info_session"].sessions == 1


def test_the_state_sees_every_region_and_the_sum(results_world, english):
    from neuewege.core.models import Region

    regions = list(Region.objects.all())
    figures = compute(Filters(period=PERIOD), regions=regions)
    by_region = table(figures, "regions")
    assert len(by_region) == 54  # 53 regions and the total
    assert by_region["05170"]["took_step"] == "89 %"
    assert by_region["05554"] == {
        "events": "1",
        "registered": "2",
        "attended": "2",
        "attendance_rate": "100 %",
        "invitations": "5",
        "responses": "5",
        "response_rate": "100 %",
        "took_step": "0 %",
    }
    assert by_region["05111"]["responses"] == "–"  # Düsseldorf: no invitations
    assert by_region["total"]["responses"] == "14"
    assert by_region["total"]["took_step"] == "57 %"  # 8 of 14
    # ten responses of the Elterncafé, 14 of all formats: four (the course's) between them
    assert table(figures, "survey")["parent_cafe"]["took_step"] == "< 5"
    assert next(iter(by_region)) == "05711"  # by name: Bielefeld first


def test_a_region_filter_on_the_state_page_keeps_one_region(results_world):
    from neuewege.core.models import Region

    figures = compute(
        Filters(period=PERIOD, region=results_world["borken"]),
        regions=list(Region.objects.all()),
    )
    assert list(table(figures, "regions")) == ["05554", "total"]
    assert figures.total.responses == 5 and figures.total.events == 1


def test_four_responses_are_withheld_and_five_are_shown():
    assert str(results.survey_share(4, 4)) == "< 5"
    assert results.survey_share(4, 4).shown is None
    assert results.survey_share(4, 4).cell == "< 5"
    assert results.survey_share(4, 4).as_dict() == {"value": None, "suppressed": True}
    assert str(results.survey_count(4)) == "< 5"
    assert str(results.survey_share(4, 5)) == "80 %"
    assert results.survey_share(4, 5).cell == 80
    assert str(results.survey_count(5)) == "5"
    assert str(results.survey_count(0)) == "< 5"
    # figures of the events are not survey answers: shown however small
    assert str(results.count(1)) == "1" and str(results.share(1, 3)) == "33 %"


def test_no_invitations_read_a_dash_and_small_numbers_stay_withheld():
    # no invitation sent and no response: "–", withheld as before (no value anywhere)
    nobody = results.Tally()
    for figure in (nobody.response_count, nobody.response_rate, nobody.took_step_share):
        assert str(figure) == figure.cell == "–"
        assert figure.suppressed and figure.shown is None
        assert figure.as_dict() == {"value": None, "suppressed": True}
    assert str(nobody.helpful_share) == "–"
    # invitations sent, but fewer than five responses (none, too): "< 5", exactly as before
    for responses in (0, 1, 4):
        asked = results.Tally(invitations=6, responses=responses, took_step=responses)
        for figure in (asked.response_count, asked.response_rate, asked.took_step_share):
            assert str(figure) == figure.cell == "< 5"
            assert figure.shown is None
    # a response without an invitation in the selection is still a response: "< 5"
    assert str(results.Tally(responses=2).response_count) == "< 5"
    # five responses are shown; withheld by a wider selection: "< 5"
    assert str(results.Tally(invitations=5, responses=5).response_count) == "5"
    assert str(results.Tally(invitations=5, responses=5, withheld=True).response_count) == "< 5"
    # the figures of the events are counts: a zero is a zero
    assert str(results.count(0)) == "0"


def test_shares_round_half_up():
    assert [results.percent(part, 8) for part in (1, 3, 5, 7)] == [13, 38, 63, 88]
    assert results.percent(2, 3) == 67 and results.percent(0, 0) is None
    assert str(Figure(None, percent=True)) == "—"


def test_filters_narrow_every_figure(results_world, english):
    course = compute(wesel_filters(results_world, format="parent_course"))
    assert course.formats == ["parent_course"]
    assert (course.total.events, course.total.registered, course.total.responses) == (1, 3, 4)
    assert str(course.total.took_step_share) == "< 5"

    regenbogen = compute(wesel_filters(results_world, family_centre=results_world["regenbogen"]))
    assert (regenbogen.total.events, regenbogen.total.sessions) == (1, 2)
    assert (regenbogen.total.registered, regenbogen.total.attended) == (3, 2)
    assert regenbogen.total.invitations == regenbogen.total.responses == 0

    january = compute(wesel_filters(results_world, period=Period.month(2026, 1)))
    assert (january.total.events, january.total.registered, january.total.responses) == (1, 4, 5)
    assert [row.key for row in january.trend().rows] == ["2026-01"]
    # five responses in January, nine in the quarter: four between them, so January's
    # survey figures are withheld (the quarter's are shown)
    assert str(january.total.response_count) == str(january.total.took_step_share) == "< 5"
    assert str(compute(wesel_filters(results_world)).total.response_count) == "9"


def test_a_selection_without_anything_is_empty(results_world):
    nothing = compute(wesel_filters(results_world, period=Period.year(2020)))
    assert nothing.is_empty
    assert str(nothing.total.took_step_share) == "–"  # no invitations
    info = compute(wesel_filters(results_world, format="info_session"))
    assert info.is_empty
    assert not compute(wesel_filters(results_world)).is_empty


def test_the_queries_do_not_grow_with_regions_and_events(
    results_world, django_assert_num_queries, django_assert_max_num_queries
):
    state = Filters(period=PERIOD)
    # ten (see results.compute); on PostgreSQL inside a savepoint that switches JIT off; a
    # region's two more (the state's counts, which the small-number rule compares with)
    queries = 10 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_max_num_queries(queries) as counted:
        compute(state)
    queries = len(counted.captured_queries)
    for index in range(6):  # more regions, centres, events and responses
        from neuewege.core.models import Region

        region = Region.objects.exclude(key__in=["05170", "05554"]).order_by("key")[index]
        centre = InstitutionFactory(region=region, name=f"FZ {index}")
        event = make_event(centre, "info_session", starts=at(date(2026, 2, 3)), dates=3)
        for session in sessions(event):
            register(event, session, attended=[session])
        survey(event, date(2026, 2, 17), [step("other")] * 5)
    with django_assert_num_queries(queries):
        bigger = compute(state)
    assert bigger.total.responses == 14 + 30
    with django_assert_num_queries(queries + 2):
        compute(wesel_filters(results_world))


def test_the_results_are_kept_in_the_cache(results_world, django_assert_max_num_queries):
    filters = wesel_filters(results_world)
    first = results.results(filters, now=NOW)
    with django_assert_max_num_queries(0):
        again = results.results(filters, now=NOW)
    assert again.total == first.total


def test_free_texts_are_the_regions_own_newest_first(results_world, english):
    filters = wesel_filters(results_world)
    texts = results.free_texts(filters)
    assert texts.withheld == []
    assert [(a.month, a.audience, a.format, a.text) for a in texts.answers] == [
        (date(2026, 1, 1), "parents", "Elterncafé", "Die Kinderbetreuung war super"),
        (date(2026, 1, 1), "parents", "Elterncafé", "Mehr Termine am Nachmittag"),
    ]
    assert texts.answers[0].question == "What was missing? What could we do better?"
    header, rows = texts.export()
    assert header == ["Month", "Asked", "Format", "Question", "Answer"]
    assert rows[0][0] == "2026-01"


def test_free_texts_of_fewer_than_five_responses_are_withheld(results_world):
    course = wesel_filters(results_world, format="parent_course")
    texts = results.free_texts(course)  # the course: four responses of parents
    assert texts.withheld == ["parents"] and texts.answers == []


def test_only_the_regions_people_read_free_texts(results_world, wesel, borken, state_user):
    centre = results_world["sonnenschein"]
    people = {
        "coordinator": UserFactory(role=User.Role.COORDINATOR, regions=[wesel]),
        "viewer": UserFactory(role=User.Role.VIEWER, regions=[wesel]),
        "staff": UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=centre)),
    }
    for user in people.values():
        assert access_for(user).has(READ_FREE_TEXTS, wesel)
    assert not access_for(state_user).has(READ_FREE_TEXTS, wesel)
    other = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    assert not access_for(other).has(READ_FREE_TEXTS, wesel)
    assert system_access().has(READ_FREE_TEXTS, wesel)
    with pytest.raises(ValueError):
        results.free_texts(Filters(period=PERIOD))


def test_exports_hold_numbers_and_the_withheld_mark(results_world, english):
    header, rows = compute(wesel_filters(results_world)).survey().export()
    assert header == [
        "Format",
        "Survey invitations sent",
        "Responses",
        "Response rate (%)",
        "Took a concrete step (%)",
        "Programme result (benchmark) (%)",
        "Found the event helpful (%)",
    ]
    assert rows[0] == ["Elterncafé", 6, "< 5", "< 5", "< 5", 90, "< 5"]
    assert rows[2] == ["Elternkurs „Neue Wege“", 4, "< 5", "< 5", "< 5", 100, "< 5"]
    header, rows = compute(wesel_filters(results_world)).summary().export()
    assert header == ["Figure", "Value"]
    assert ["Attendance rate (%)", 70] in rows and ["Events held", 3] in rows
