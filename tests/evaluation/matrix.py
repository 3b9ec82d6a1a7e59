"""The evaluation app's part of the permission matrix (tests/test_permission_matrix.py): the
records of region A its URLs point at and who may use its API routes (who may open its pages
and download its files is read from the table of permissions).

The survey link is a valid one of family centre B (the page names the event and the centre,
which an outsider must never see of region A); the texts to send by phone belong to centre A."""

from tests.matrix_roles import READ_A

# A region's results are aggregates: its people and the state level read them. The parents' free
# texts stay in the region: the API answers the state level 404. The state-wide results are the
# state level's (others 403).
RESULTS_MEMBERS_A = {"staff_a", "viewer_a", "coordinator_a"}
RESULTS_STATE_ONLY = {"state", "no_region"}
EVALUATION_API = {
    ("GET", "/api/v1/questionnaires"): "list",
    ("GET", "/api/v1/regions/{key}/results"): READ_A,
    ("GET", "/api/v1/regions/{key}/results/free-texts"): RESULTS_MEMBERS_A,
    ("GET", "/api/v1/state/results"): RESULTS_STATE_ONLY,
}


def add_evaluation_world(world, *, region, centre_a, centre_b, secret):
    """Region A's (and B's) evaluation records; point the URL parameters at them through
    ``world["pk_for"]``, ``world["kwargs_for"]`` and ``world["api_ids"]``."""
    add_answer_world(world, centre_a=centre_a, centre_b=centre_b)
    add_results_world(world, centre_a=centre_a, secret=secret)


def add_answer_world(world, *, centre_a, centre_b):
    """A valid survey link of a parent of centre B, and a text to send by phone to a parent
    without e-mail of centre A."""
    from datetime import timedelta

    from django.utils import timezone

    from neuewege.evaluation import invitations
    from neuewege.evaluation.models import Questionnaire
    from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP
    from neuewege.events.models import ConsentText, Registration
    from tests.factories import make_event

    today = timezone.localdate()
    questionnaire = Questionnaire.objects.current(PARENT_FOLLOW_UP)
    consents = {
        purpose: ConsentText.objects.filter(purpose=purpose).order_by("-version").first()
        for purpose in ("booking", "survey")
    }

    def invited_parent(centre, **contact):
        event = make_event(centre, status="held", title="Elterncafé Umfrage")
        registration = Registration.objects.create(
            event=event,
            session=event.sessions.get(),
            status=Registration.Status.CONFIRMED,
            source=Registration.Source.STAFF,
            first_name="Matrix",
            language="de",
            consent=consents["booking"],
            consented_at=timezone.now(),
            survey_consent=consents["survey"],
            survey_consented_at=timezone.now(),
            **contact,
        )
        return invitations.invite(
            questionnaire=questionnaire,
            registration=registration,
            event=event,
            month=today,
            due_on=today,
            expires_on=today + timedelta(days=30),
        )

    link_b = invited_parent(centre_b, email="matrix@example.org")
    world["kwargs_for"]["survey-answer"] = {"token": invitations.token_for(link_b)}
    text_a = invited_parent(centre_a, phone="0170 1112223")
    world["pk_for"]["survey-texts"] = centre_a.pk
    world["pk_for"]["survey-text-sent"] = text_a.pk


def add_results_world(world, *, centre_a, secret):
    """Five responses of parents of centre A (enough for figures and free texts to show), one
    of them writing the secret; the export URLs name a table and a file format."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from neuewege.evaluation import services
    from neuewege.evaluation.models import Questionnaire, SurveyInvitation
    from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP
    from tests.factories import make_event

    held_on = timezone.localdate() - timedelta(days=30)
    event = make_event(
        centre_a,
        status="held",
        starts=timezone.make_aware(datetime.combine(held_on, time(9, 30))),
    )
    questionnaire = Questionnaire.objects.current(PARENT_FOLLOW_UP)
    for number in range(5):
        invitation, token = services.create_invitation(
            questionnaire=questionnaire,
            event=event,
            month=held_on,
            due_on=timezone.localdate(),
        )
        SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        answers = {"took_step": "yes", "steps": ["counselling"], "useful": 5}
        services.submit_response(
            token=token, answers=answers | ({"missing": secret} if number == 0 else {})
        )
    world["kwargs"].setdefault("table", "summary")
    world["kwargs"].setdefault("fmt", "csv")
    world["kwargs_for"]["results-region-export"] = {"table": "steps", "fmt": "xlsx"}
    world["kwargs_for"]["results-region-comments-export"] = {"fmt": "csv"}
    world["kwargs_for"]["results-state-export"] = {"table": "regions", "fmt": "csv"}
