"""The trainings app's part of the permission matrix (tests/test_permission_matrix.py): the records
of region A its URLs point at, and who may use its API routes. URL names follow the record their
``pk`` is: ``training-…`` a training, ``training-session-…`` a session,
``training-registration-…`` a registration, ``assignment-run-…`` a run, ``module-…`` a module;
the registration link's ``key`` is training A's."""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix_roles import READ_A

# (method, path) → "public", "list", "write" or the set of roles that get 200 (see events).
TRAINING_API = {}

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
    from tests.factories import make_registrant, make_training

    training = make_training(region, sessions=2, title=f"Fortbildung {secret}")
    session = training.sessions.first()
    registration = make_registrant(training, centre_a, person=person_a, last_name=secret)
    run = AssignmentRun.objects.create(training=training, work_state="done")
    # attendance, certificates: someone who attended, for the certificate and the lists
    attendee = make_registrant(training, centre_a, last_name=secret, session=session, attended=True)
    world["pk_for"]["training-registration-certificate"] = attendee.pk
    world["kwargs_for"]["training-institution-list"] = {"fmt": "xlsx"}
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


__all__ = ["READ_A", "TRAINING_API", "add_training_world"]
