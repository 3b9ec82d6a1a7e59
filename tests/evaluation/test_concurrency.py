"""One survey link submitted several times at the same moment, with real row locks
(PostgreSQL; the pass of `make test` with NEUEWEGE_TEST_POSTGRES_URL runs these)."""

import pytest

from neuewege.evaluation import services
from neuewege.evaluation.models import SpentToken, SurveyResponse
from neuewege.evaluation.selectors import InvalidSurveyLink
from tests.events.test_concurrency import run_together

from .conftest import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]

ANSWERS = {"took_step": "yes", "steps": ["application"], "useful": 5}


def submit_or_reason(token):
    try:
        services.submit_response(token=token, answers=ANSWERS, today=TODAY)
    except InvalidSurveyLink as error:
        return error.reason
    return "stored"


def test_one_link_submitted_eight_times_at_once_stores_one_response(invite):
    _invitation, token = invite()
    outcomes = run_together(8, lambda _index: submit_or_reason(token))
    assert sorted(outcomes) == ["stored"] + ["used"] * 7
    assert SurveyResponse.objects.count() == 1
    assert SpentToken.objects.count() == 1


def test_different_links_submitted_at_once_are_all_stored(invite):
    tokens = [invite()[1] for _index in range(8)]
    outcomes = run_together(8, lambda index: submit_or_reason(tokens[index]))
    assert outcomes == ["stored"] * 8
    assert SurveyResponse.objects.count() == 8
