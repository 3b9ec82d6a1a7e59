"""The feedback of speakers and family centres among the results: counted by hand, the "< 5" rule,
the filters, every version of a question together, one query more, and the same table on the
pages, in the exports, the PDF report and the API — without the professionals' free texts.

The fixture: the results world of ``test_results`` (Kreis Wesel and Kreis Borken), and

- Elterncafé A (Wesel, Jan 2026): 5 speaker responses — setting 5, 4, 4, 3, 2 (average 3.6,
  4 or 5: 60 %), access 5, 5, 5, 5, 4 (4.8, 100 %), openness 1, 2, 3, 4, 5 (3.0, 40 %); one free
  text — and 5 centre responses: effort 2, 2, 3, 4, 1 (2.4, 20 %), fit 5, 5, 4, 4, 4 (4.4, 100 %).
- Elternkurs (Wesel, Mar 2026): 5 speaker responses — setting 5, 5, 5, 4, 4 (4.6, 100 %); with
  the café's all formats 10 answers, setting 41 / 10 = 4.1, 4 or 5: 8 of 10 = 80 %. (Four would
  be "< 5" and withhold the café's five as well: all formats would hold four more.)
- Elterncafé (Borken, Jan 2026): 5 speaker responses, setting 1.
- Elterncafé A, Mar 2025 (another year): 5 speaker responses, not counted.
"""

import csv
import io
from datetime import date

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from neuewege.evaluation import results, services
from neuewege.evaluation.disclosure import Period
from neuewege.evaluation.documents import report_pdf
from neuewege.evaluation.models import Question, Questionnaire, SurveyInvitation
from neuewege.evaluation.questionnaires import CENTRE_FEEDBACK, SPEAKER_FEEDBACK
from neuewege.evaluation.results import Filters
from neuewege.events.models import ParentEvent
from tests.api.test_api import token_header
from tests.evaluation.test_results import (
    NOW,
    PERIOD,
    TODAY,
    build_results_world,
    table,
)
from tests.exports import fetched

QUERY = {"period": "2026-Q1"}
COMMENT = "Der Raum war zu klein"
ROWS = [
    "speaker_feedback.setting",
    "speaker_feedback.access",
    "speaker_feedback.openness",
    "centre_feedback.effort",
    "centre_feedback.fit",
]


def feedback(code, event, month, answers):
    """One sent invitation to the questionnaire ``code`` per entry of ``answers``, each
    answered with its entry."""
    questionnaire = Questionnaire.objects.current(code)
    for entry in answers:
        invitation, token = services.create_invitation(
            questionnaire=questionnaire,
            event=event,
            month=month,
            due_on=date(2026, 3, 1),
            expires_on=date(2026, 4, 12),
        )
        SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        services.submit_response(token=token, answers=entry, today=TODAY)


def speaker(setting, access=4, openness=4, comments=""):
    answers = {"setting": setting, "access": access, "openness": openness}
    return answers | ({"comments": comments} if comments else {})


def centre(effort, fit):
    return {"effort": effort, "fit": fit}


@pytest.fixture
def world(wesel, borken, family_centre):
    world = build_results_world(wesel, borken, family_centre)
    cafe_a, course = world["cafe_a"], world["course"]
    january = date(2026, 1, 13)
    feedback(
        SPEAKER_FEEDBACK,
        cafe_a,
        january,
        [
            speaker(5, 5, 1, comments=COMMENT),
            speaker(4, 5, 2),
            speaker(4, 5, 3),
            speaker(3, 5, 4),
            speaker(2, 4, 5),
        ],
    )
    feedback(
        CENTRE_FEEDBACK,
        cafe_a,
        january,
        [centre(2, 5), centre(2, 5), centre(3, 4), centre(4, 4), centre(1, 4)],
    )
    feedback(SPEAKER_FEEDBACK, course, date(2026, 3, 2), [speaker(5)] * 3 + [speaker(4)] * 2)
    borken_cafe = ParentEvent.objects.get(family_centre__region=borken)
    feedback(SPEAKER_FEEDBACK, borken_cafe, january, [speaker(1)] * 5)
    feedback(SPEAKER_FEEDBACK, cafe_a, date(2025, 3, 4), [speaker(1)] * 5)  # before the period
    return world


def compute(filters, regions=None):
    return results.Results(filters, results.compute(filters, now=NOW), regions=regions)


def wesel(world, **changes):
    return Filters(**({"period": PERIOD, "region": world["wesel"]} | changes))


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_the_feedback_counts_by_hand(world, english):
    figures = compute(wesel(world))
    feedback_table = table(figures, "feedback")
    assert list(feedback_table) == ROWS
    assert feedback_table["speaker_feedback.setting"] == {
        "parent_cafe_responses": "5",
        "parent_cafe_average": "3.6",
        "parent_cafe_high": "60 %",
        "info_session_responses": "< 5",
        "info_session_average": "< 5",
        "info_session_high": "< 5",
        "parent_course_responses": "5",
        "parent_course_average": "4.6",
        "parent_course_high": "100 %",
        "all_responses": "10",
        "all_average": "4.1",
        "all_high": "80 %",
    }
    assert feedback_table["speaker_feedback.access"]["parent_cafe_average"] == "4.8"
    assert feedback_table["speaker_feedback.access"]["parent_cafe_high"] == "100 %"
    assert feedback_table["speaker_feedback.openness"]["parent_cafe_average"] == "3.0"
    assert feedback_table["speaker_feedback.openness"]["parent_cafe_high"] == "40 %"
    assert feedback_table["centre_feedback.effort"]["parent_cafe_average"] == "2.4"
    assert feedback_table["centre_feedback.effort"]["all_high"] == "20 %"
    assert feedback_table["centre_feedback.fit"]["all_average"] == "4.4"
    labels = [row.label for row in figures.feedback_table().rows]
    assert labels[0] == "Speakers: How well did the family centre suit the event as a setting?"
    assert labels[3] == "Family centres: How much effort did it take to win parents for the event?"
    # the parents' figures are untouched by the professionals' responses
    assert figures.total.responses == 9 and figures.total.invitations == 10


def test_averages_round_half_up_to_one_decimal():
    assert results.average(45, 20).value == 2.3  # 2.25
    with translation.override("en"):
        assert str(results.average(45, 20)) == "2.3"
    with translation.override("de"):
        assert str(results.average(45, 20)) == "2,3"  # the decimal comma of the locale
    assert results.average(9, 4).shown is None and str(results.average(9, 4)) == "< 5"
    assert results.average(0, 0).cell == "< 5"
    assert results.average(20, 5).cell == 4.0


def test_the_feedback_follows_the_filters(world, english):
    course = table(compute(wesel(world, format="parent_course")), "feedback")
    assert list(course) == ["speaker_feedback.setting", "speaker_feedback.access",
                            "speaker_feedback.openness"]  # fmt: skip
    assert course["speaker_feedback.setting"] == {
        "parent_course_responses": "5",
        "parent_course_average": "4.6",
        "parent_course_high": "100 %",
        "all_responses": "5",
        "all_average": "4.6",
        "all_high": "100 %",
    }
    regenbogen = compute(wesel(world, family_centre=world["regenbogen"]))
    assert regenbogen.feedback_table().rows == []
    january = table(compute(wesel(world, period=Period.month(2026, 1))), "feedback")
    assert january["speaker_feedback.setting"]["all_responses"] == "5"
    assert january["speaker_feedback.setting"]["all_average"] == "3.6"
    borken = table(compute(wesel(world, region=world["borken"])), "feedback")
    assert list(borken) == ROWS[:3]
    assert borken["speaker_feedback.setting"]["all_average"] == "1.0"
    assert borken["speaker_feedback.setting"]["all_high"] == "0 %"
    state = table(compute(Filters(period=PERIOD)), "feedback")
    assert state["speaker_feedback.setting"]["all_responses"] == "15"
    assert state["speaker_feedback.setting"]["all_average"] == "3.1"  # (41 + 5) / 15


def test_the_versions_of_a_question_count_together_under_the_latest_text(world, english):
    first = Questionnaire.objects.current(SPEAKER_FEEDBACK)
    second = Questionnaire.objects.create(
        code=SPEAKER_FEEDBACK,
        version=first.version + 1,
        audience=first.audience,
        title="Speakers' feedback",
        published_at=timezone.now(),
    )
    Question.objects.create(
        questionnaire=second,
        position=1,
        code="setting",
        kind=Question.Kind.SCALE,
        required=True,
        text_de="Passte der Ort?",
        text_en="Did the place suit the event?",
    )
    feedback(SPEAKER_FEEDBACK, world["cafe_a"], date(2026, 2, 3), [{"setting": 5}])
    setting = compute(wesel(world)).feedback_table().rows[0]
    assert setting.key == "speaker_feedback.setting"
    assert setting.label == "Speakers: Did the place suit the event?"
    figures = dict(zip(table(compute(wesel(world)), "feedback")["speaker_feedback.setting"],
                       [str(cell) for cell in setting.cells], strict=True))  # fmt: skip
    assert figures["parent_cafe_responses"] == "6"
    assert figures["parent_cafe_average"] == "3.8"  # 23 / 6
    assert figures["all_responses"] == "11"


def test_the_label_is_the_question_in_the_active_language(world):
    question = Question.objects.get(questionnaire__code=SPEAKER_FEEDBACK, code="setting")
    for language in ("de", "en"):
        with translation.override(language):
            label = compute(wesel(world)).feedback_table().rows[0].label
        assert label.endswith(getattr(question, f"text_{language}"))
    with translation.override("uk"):  # not translated: German
        label = compute(wesel(world)).feedback_table().rows[0].label
    assert label.endswith(question.text_de)


def test_the_feedback_is_one_query_more_whatever_its_size(
    world, django_assert_num_queries, english
):
    # ten (see results.compute): nine before the feedback was counted, one for it; a region's
    # two more (the state's counts the small-number rule compares with), one of them feedback
    queries = 10 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(queries):
        figures = compute(Filters(period=PERIOD))
    assert len(figures.feedback) == 5
    with django_assert_num_queries(queries + 2):
        compute(wesel(world, format="parent_cafe"))


@pytest.fixture
def as_coordinator(client, coordinator):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(coordinator)
    return client


@pytest.fixture
def as_state(client, state_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(state_user)
    return client


def test_the_region_page_shows_the_feedback_and_the_professionals_texts(as_coordinator, world):
    response = as_coordinator.get(reverse("results-region", args=["05170"]), QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Feedback of speakers and family centres" in body
    assert 'id="feedback-heading"' in body
    assert [row.key for row in response.context["tables"]["feedback"].rows] == ROWS
    # events, survey, steps and feedback; the three trend charts' tables behind "Show table"
    assert body.count("<table") == 7
    export = reverse("results-region-export", args=["05170", "feedback", "csv"])
    assert export + "?period=2026-Q1" in body
    texts = response.context["free_texts"]
    assert [(answer.audience, answer.text) for answer in texts.answers] == [
        ("parents", "Die Kinderbetreuung war super"),
        ("parents", "Mehr Termine am Nachmittag"),
        ("speakers", COMMENT),
    ]
    assert texts.withheld == []
    assert "January 2026 · Speakers · Elterncafé · Is there anything else" in body


def test_a_groups_texts_need_five_of_its_responses(world, english):
    # the course: four responses of parents (the café's five are filtered out) and five of
    # speakers, who wrote nothing; Borken's speakers wrote nothing in Wesel's selection
    texts = results.free_texts(wesel(world, format="parent_course"))
    assert texts.withheld == ["parents"] and texts.answers == []
    assert texts.withheld_labels() == ["Parents"]
    january = results.free_texts(wesel(world, period=Period.month(2026, 1)))
    assert january.withheld == []
    assert {answer.audience for answer in january.answers} == {"parents", "speakers"}


def test_the_state_page_shows_the_feedback_of_all_regions(as_state, world):
    response = as_state.get(reverse("results-state"), QUERY)
    assert response.status_code == 200
    setting = response.context["tables"]["feedback"].rows[0]
    assert str(setting.cells[-3]) == "15" and str(setting.cells[-2]) == "3.1"
    assert "Feedback of speakers and family centres" in response.content.decode()
    url = reverse("results-state-export", args=["feedback", "xlsx"])
    sheet = load_workbook(io.BytesIO(fetched(as_state, as_state.get(url, QUERY)).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5 and rows[1][-3:] == (15, 3.1, 53)  # 8 of 15 answered 4 or 5


def test_the_feedback_exports_read_back(as_coordinator, world):
    url = reverse("results-region-export", args=["05170", "feedback", "csv"])
    response = as_coordinator.get(url, QUERY)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == [
        "Question",
        "Elterncafé: responses",
        "Elterncafé: average (1–5)",
        "Elterncafé: 4 or 5 (%)",
    ]
    assert rows[0][-3:] == ["All formats: responses", "All formats: average (1–5)",
                            "All formats: 4 or 5 (%)"]  # fmt: skip
    assert rows[1][0].startswith("Speakers: How well did the family centre suit")
    assert rows[1][1:4] == ["5", "3.6", "60"]
    assert rows[1][4:7] == ["< 5", "< 5", "< 5"]  # no information session
    assert rows[1][7:10] == ["5", "4.6", "100"]
    assert rows[1][-3:] == ["10", "4.1", "80"]

    url = reverse("results-region-export", args=["05170", "feedback", "xlsx"])
    sheet = load_workbook(io.BytesIO(as_coordinator.get(url, QUERY).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [row[0].split(":")[0] for row in values[1:]] == ["Speakers"] * 3 + ["Family centres"] * 2
    assert values[1][1:4] == (5, 3.6, 60)
    assert values[4][1:4] == (5, 2.4, 20)  # effort
    assert values[1][4] == "< 5" and values[1][7] == 5


def test_the_report_holds_the_feedback(world):
    filters = wesel(world)
    with translation.override("en"):
        pdf = report_pdf(compute(filters))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Feedback of speakers and family centres" in text
    assert "Speakers: How well did the family centre suit the event as a setting?" in text
    assert "Elterncafé 5 3.6 60 %" in text
    assert "All formats 10 4.1 80 %" in text
    assert COMMENT not in text


def test_the_api_holds_the_feedback(client, coordinator, world):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get("/api/v1/regions/05170/results", QUERY, **token_header(coordinator))
    translation.deactivate()
    assert response.status_code == 200
    chosen = next(item for item in response.json()["tables"] if item["name"] == "feedback")
    assert chosen["title"] == "Feedback of speakers and family centres"
    rows = {row["key"]: row for row in chosen["rows"]}
    assert list(rows) == ROWS
    setting = rows["speaker_feedback.setting"]["figures"]
    assert setting["parent_cafe_average"] == {"value": 3.6, "suppressed": False}
    assert setting["parent_cafe_high"] == {"value": 60, "suppressed": False}
    assert setting["info_session_average"] == {"value": None, "suppressed": True}
    assert setting["all_responses"] == {"value": 10, "suppressed": False}
    assert COMMENT not in response.content.decode()
