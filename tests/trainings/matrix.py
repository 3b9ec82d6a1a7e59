"""The trainings app's part of the permission matrix (tests/test_permission_matrix.py): the records
of region A its URLs point at, and who may use its API routes. URL names follow the record their
``pk`` is: ``training-…`` a training, ``training-session-…`` a session,
``training-registration-…`` a registration, ``assignment-run-…`` a run, ``module-…`` a module;
the registration link's ``key`` is training A's."""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix_roles import READ_A, Writers

# Who has trainings.plan in region A: its coordinator and the state level.
PLANNERS_A = {"coordinator_a", "state"}

# (method, path) → "public", "list", "write", the set of roles that get 200 (see events) or the
# Writers that may write (everyone else: 4xx). Registrations and runs: the planners' (else 404).
TRAINING_API = {
    ("GET", "/api/v1/trainings"): "list",
    ("POST", "/api/v1/trainings"): Writers(PLANNERS_A),
    ("GET", "/api/v1/trainings/{training_id}"): READ_A,
    ("POST", "/api/v1/trainings/{training_id}/sessions"): Writers(PLANNERS_A),
    ("GET", "/api/v1/trainings/{training_id}/registrations"): PLANNERS_A,
    ("POST", "/api/v1/trainings/{training_id}/registrations"): Writers(PLANNERS_A),
    ("POST", "/api/v1/trainings/{training_id}/assignment"): Writers(PLANNERS_A),
    ("GET", "/api/v1/trainings/runs/{run_id}"): PLANNERS_A,
}

# Valid bodies of the write routes (the planners succeed with them); "{…}" stands for the id of
# the world's record (api_ids), written into the body as a number.
INTRUDER = "Eingeschleust"
TRAINING_API_BODIES = {
    ("POST", "/api/v1/trainings"): {"region": "05170", "module": "basismodul", "title": INTRUDER},
    ("POST", "/api/v1/trainings/{training_id}/sessions"): {
        "starts_at": "2099-03-02T09:00:00",
        "ends_at": "2099-03-02T16:00:00",
        "site_address": INTRUDER,
        "site_postcode": "46483",
        "min_size": 15,
        "max_size": 25,
    },
    ("POST", "/api/v1/trainings/{training_id}/registrations"): {
        "person_id": "{trainee_id}",
        "session_ids": ["{session_id}"],
    },
    ("POST", "/api/v1/trainings/{training_id}/assignment"): {"time_limit_seconds": 1},
}


def training_records():
    """What a refused write must leave as it was."""
    from neuewege.trainings.models import (
        AssignmentRun,
        Training,
        TrainingRegistration,
        TrainingSession,
    )

    return {
        "trainings": Training.objects.count(),
        "sessions": TrainingSession.objects.count(),
        "registrations": TrainingRegistration.objects.count(),
        "runs": AssignmentRun.objects.count(),
        "intruded": Training.objects.filter(title=INTRUDER).exists()
        or TrainingSession.objects.filter(site_address=INTRUDER).exists(),
    }


PREFIXES = [  # longest first: "training-session-…" before "training-…"
    ("training-registration-", "registration"),
    ("training-session-", "session"),
    ("assignment-run-", "run"),
    ("training-", "training"),
    ("module-", "module"),
]


def _names(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def add_training_world(world, *, region, centre_a, person_a, secret):
    from neuewege.trainings.models import AssignmentRun
    from tests.factories import PersonFactory, make_registrant, make_training

    training = make_training(region, sessions=2, title=f"Fortbildung {secret}")
    session = training.sessions.first()
    registration = make_registrant(training, centre_a, person=person_a, last_name=secret)
    run = AssignmentRun.objects.create(training=training, work_state="done")
    # attendance, certificates: someone who attended, for the certificate and the lists
    attendee = make_registrant(training, centre_a, last_name=secret, session=session, attended=True)
    world["pk_for"]["training-registration-certificate"] = attendee.pk
    world["kwargs_for"]["training-institution-list"] = {"fmt": "xlsx"}
    trainee = PersonFactory(institution=centre_a, last_name=secret)  # registered through the API
    records = {
        "training": training,
        "session": session,
        "registration": registration,
        "run": run,
        "module": training.module,
    }
    # the session form of a training takes the training's pk
    world["pk_for"]["training-session-create"] = training.pk
    for name in _names():
        for prefix, record in PREFIXES:
            if name.startswith(prefix):
                world["pk_for"].setdefault(name, records[record].pk)
                break
    world["kwargs"]["key"] = training.registration_key
    # the public pages show a training and its region's institutions to everyone: walked with
    # region B's, so that region A's secret stays out of what outsiders read
    _add_public_world(world)
    world.setdefault("api_ids", {}).update(
        {
            "{training_id}": str(training.pk),
            "{session_id}": str(session.pk),
            "{registration_id}": str(registration.pk),
            "{run_id}": str(run.pk),
            "{trainee_id}": str(trainee.pk),
        }
    )
    return records


def _add_public_world(world):
    from neuewege.core.models import Institution
    from neuewege.trainings.services.registrations import Application, register
    from tests.factories import make_training

    centre_b = Institution.objects.get(name="Familienzentrum B")
    training_b = make_training(centre_b.region, sessions=1, title="Fortbildung B")
    _registration, token = register(
        key=training_b.registration_key,
        application=Application(
            first_name="Bea",
            last_name="Borken",
            email="bea@example.org",
            institution_id=centre_b.pk,
            session_ids=[training_b.sessions.get().pk],
        ),
    )
    world["kwargs_for"]["training-register"] = {"key": training_b.registration_key}
    world["kwargs_for"]["training-confirm"] = {"token": token}


__all__ = ["READ_A", "TRAINING_API", "TRAINING_API_BODIES", "add_training_world"]
