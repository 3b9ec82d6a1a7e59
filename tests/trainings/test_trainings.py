"""Planning trainings and their sessions (issue 14, part 2): the status flow and its refusals,
sessions within the module's size range, cancelling with messages, the module catalogue's
editing, and outsiders refused — through the real pages where a user would act."""

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, User
from neuewege.trainings.models import Module, Training, TrainingSession
from neuewege.trainings.services import trainings as services
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_registrant,
    make_training,
)

BERLIN = timezone.get_default_timezone()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def coordinator_b(borken):
    return UserFactory(role=User.Role.COORDINATOR, regions=[borken])


def session_data(day=None, **changes):
    day = day or timezone.localdate() + timedelta(days=40)
    data = {
        "site": "",
        "site_address": "Kreishaus, Raum 2, Reeser Landstraße 31",
        "site_postcode": "46483",
        "day": day.isoformat(),
        "starts": "09:00",
        "ends": "16:30",
        "min_size": "15",
        "max_size": "25",
        "trainer_names": "Dr. Extern",
    }
    return data | changes


def page_text(response):
    return response.content.decode()


# Planning through the pages


def test_a_coordinator_plans_a_training_adds_a_session_and_opens_registration(
    coordinator_client, wesel, family_centre
):
    module = Module.objects.get(code="basismodul")
    list_page = coordinator_client.get(reverse("training-list", args=[wesel.key]))
    assert reverse("training-create", args=[wesel.key]) in page_text(list_page)

    response = coordinator_client.post(
        reverse("training-create", args=[wesel.key]),
        {
            "module": module.pk,
            "title": "Basismodul Frühjahr",
            "description": "Bitte Fälle mitbringen",
        },
    )
    training = Training.objects.get(title="Basismodul Frühjahr")
    assert response["Location"] == reverse("training-detail", args=[training.pk])
    assert training.status == Training.Status.DRAFT and training.region == wesel
    assert len(training.registration_key) == 43

    refused = coordinator_client.post(reverse("training-open", args=[training.pk]), follow=True)
    assert "Add at least one session before opening the registration." in page_text(refused)
    training.refresh_from_db()
    assert training.status == Training.Status.DRAFT

    day = timezone.localdate() + timedelta(days=40)
    response = coordinator_client.post(
        reverse("training-session-create", args=[training.pk]),
        session_data(day, site=family_centre.pk, site_address=""),
    )
    assert response.status_code == 302
    session = training.sessions.get()
    # entered as Berlin time, stored in UTC
    assert session.starts_at == datetime.combine(day, time(9, 0), tzinfo=BERLIN)
    assert session.site == family_centre and session.trainer_names == "Dr. Extern"

    coordinator_client.post(reverse("training-open", args=[training.pk]))
    training.refresh_from_db()
    assert training.status == Training.Status.OPEN

    detail = page_text(coordinator_client.get(reverse("training-detail", args=[training.pk])))
    assert reverse("training-register", args=[training.registration_key]) in detail
    assert family_centre.name in detail
    assert reverse("training-session-update", args=[session.pk]) in detail


def test_the_status_flow_and_its_refused_steps(coordinator, wesel):
    access = access_for(coordinator)
    training = make_training(wesel, sessions=1, status="draft")
    with translation.override("en"):
        with pytest.raises(ValidationFailed, match="cannot take this step"):
            services.transition(access=access, training=training, name="held")
        with pytest.raises(ValidationFailed, match="cannot take this step"):
            services.transition(access=access, training=training, name="close")
        with pytest.raises(ValidationFailed, match="Unknown step"):  # the assignment's own
            services.transition(access=access, training=training, name="assign")
        services.transition(access=access, training=training, name="open")
        with pytest.raises(ValidationFailed, match="cannot take this step"):
            services.transition(access=access, training=training, name="open")
        with pytest.raises(ValidationFailed, match="cannot take this step"):
            services.transition(access=access, training=training, name="held")

        # the assignment part sets "assigned" inside its own transaction
        from django.db import transaction

        with transaction.atomic():
            services.apply_transition(services.locked(training.pk), "assign")
        training.refresh_from_db()
        assert training.status == Training.Status.ASSIGNED
        with pytest.raises(ValidationFailed, match="first session has begun"):
            services.transition(access=access, training=training, name="held")
        training.sessions.update(
            starts_at=timezone.now() - timedelta(hours=2),
            ends_at=timezone.now() + timedelta(hours=4),
        )
        services.transition(access=access, training=training, name="held")
        services.transition(access=access, training=training, name="close")
        training.refresh_from_db()
        assert training.status == Training.Status.CLOSED
        with pytest.raises(ValidationFailed, match="cannot take this step"):
            services.transition(access=access, training=training, name="cancel", reason="zu spät")
    training.refresh_from_db()
    assert training.status == Training.Status.CLOSED


def test_cancelling_a_training_needs_a_reason_and_tells_every_registrant_but_the_cancelled(
    coordinator_client, wesel, family_centre, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=1)
    make_registrant(training, family_centre, email="eins@example.org")
    make_registrant(training, family_centre, email="zwei@example.org", confirmed=False)
    gone = make_registrant(training, family_centre, email="weg@example.org")
    gone.status = "cancelled"
    gone.save()
    url = reverse("training-cancel", args=[training.pk])

    refused = coordinator_client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Give a reason" in page_text(refused)
    training.refresh_from_db()
    assert training.status == Training.Status.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, {"reason": "Die Trainerin ist erkrankt."})
    training.refresh_from_db()
    assert training.status == Training.Status.CANCELLED
    assert training.cancelled_reason == "Die Trainerin ist erkrankt."
    assert sorted(message.to[0] for message in mail.outbox) == [
        "eins@example.org",
        "zwei@example.org",
    ]
    assert all("Die Trainerin ist erkrankt." in message.body for message in mail.outbox)


# Sessions


def test_a_size_range_outside_the_modules_is_refused_and_nothing_saved(coordinator_client, wesel):
    training = make_training(wesel, sessions=0, status="draft")  # basismodul: 15 to 25
    url = reverse("training-session-create", args=[training.pk])
    for low, high in (("10", "20"), ("15", "30")):
        response = coordinator_client.post(url, session_data(min_size=low, max_size=high))
        assert response.status_code == 200
        assert "The group size must lie within the module&#x27;s range: 15 to 25 people." in (
            page_text(response)
        )
    response = coordinator_client.post(url, session_data(min_size="20", max_size="18"))
    assert "The smallest group must not be larger than the largest." in page_text(response)
    response = coordinator_client.post(url, session_data(starts="16:00", ends="09:00"))
    assert "The session must end after it starts." in page_text(response)
    response = coordinator_client.post(url, session_data(site_address="", site_postcode=""))
    assert "Choose an institution as the site, or give an address." in page_text(response)
    assert not TrainingSession.objects.filter(training=training).exists()

    session = make_training(wesel, sessions=1).sessions.get()
    response = coordinator_client.post(
        reverse("training-session-update", args=[session.pk]),
        session_data(min_size="5", max_size="25"),
    )
    assert "within the module" in page_text(response)
    session.refresh_from_db()
    assert session.min_size == 15


def test_sites_and_trainers_come_from_the_trainings_region(coordinator, wesel, borken):
    training = make_training(wesel, sessions=0, status="draft")
    elsewhere = InstitutionFactory(region=borken, postcode="46325", town="Borken")
    trainer_b = PersonFactory(institution=elsewhere)
    plan = services.SessionPlan(
        day=timezone.localdate() + timedelta(days=20),
        starts=time(9),
        ends=time(16),
        min_size=15,
        max_size=25,
        site=elsewhere,
        trainers=[trainer_b],
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.add_session(access=access_for(coordinator), training=training, plan=plan)
    assert set(refused.value.errors) == {"site", "trainers"}
    assert not training.sessions.exists()


def test_cancelling_a_session_tells_those_assigned_to_it(
    coordinator_client, wesel, family_centre, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2, status="assigned")
    first, second = training.sessions.all()
    placed = make_registrant(training, family_centre, email="platz@example.org", session=first)
    make_registrant(training, family_centre, email="andere@example.org", session=second)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("training-session-cancel", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    placed.refresh_from_db()
    assert first.cancelled_at is not None and placed.session is None
    assert [message.to for message in mail.outbox] == [["platz@example.org"]]
    again = coordinator_client.post(
        reverse("training-session-cancel", args=[first.pk]), follow=True
    )
    assert "This session is already cancelled." in page_text(again)


# The catalogue


def test_the_state_level_edits_a_module_and_bad_sizes_are_refused(client, state_user):
    module = Module.objects.get(code="basismodul")
    client.force_login(state_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert reverse("module-update", args=[module.pk]) in page_text(
        client.get(reverse("module-list"))
    )
    data = {
        "title": module.title,
        "kind": module.kind,
        "content": module.content,
        "duration_hours": "7",
        "credited_hours": "6.5",
        "min_size": "26",
        "max_size": "25",
        "target_kinds": [Institution.Kind.JOB_CENTRE, Institution.Kind.FAMILY_CENTRE],
        "active": "on",
    }
    url = reverse("module-update", args=[module.pk])
    refused = client.post(url, data)
    assert "The smallest group must not be larger than the largest." in page_text(refused)
    refused = client.post(url, data | {"min_size": "0"})
    assert refused.status_code == 200
    module.refresh_from_db()
    assert module.min_size == 15
    client.post(url, data | {"min_size": "12", "qualifies_for": ["parent_cafe"]})
    module.refresh_from_db()
    assert (module.min_size, module.max_size, module.credited_hours) == (12, 25, 6.5)
    assert module.target_kinds == ["job_centre", "family_centre"]
    assert module.qualifies_for == ["parent_cafe"]


def test_a_coordinator_cannot_edit_the_catalogue(client, coordinator):
    module = Module.objects.get(code="basismodul")
    client.force_login(coordinator)
    assert client.get(reverse("module-update", args=[module.pk])).status_code == 403
    assert client.post(reverse("module-update", args=[module.pk]), {}).status_code == 403


# Outsiders


def test_outsiders_cannot_see_or_change_a_training(client, wesel, coordinator_b, staff):
    training = make_training(wesel, sessions=1, status="draft")
    session = training.sessions.get()
    client.force_login(coordinator_b)
    for name, pk in (
        ("training-detail", training.pk),
        ("training-update", training.pk),
        ("training-open", training.pk),
        ("training-session-create", training.pk),
        ("training-session-cancel", session.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.post(reverse(name, args=[pk]), {"reason": "x"}).status_code == 404
    client.force_login(staff.__class__.objects.get(pk=staff.pk))
    assert client.get(reverse("training-detail", args=[training.pk])).status_code == 200
    assert client.post(reverse("training-open", args=[training.pk])).status_code == 403
    training.refresh_from_db()
    assert training.status == Training.Status.DRAFT and session.cancelled_at is None
    with pytest.raises(PermissionDenied):
        services.transition(access=access_for(coordinator_b), training=training, name="open")
    assert client.get("/trainings/abc/").status_code == 404


def test_the_registration_closing_date_must_not_lie_in_the_past(coordinator, wesel):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.plan_training(
            access=access_for(coordinator),
            region=wesel,
            module=Module.objects.get(code="basismodul"),
            title="Zu spät",
            registration_closes_on=date.today() - timedelta(days=2),
        )
    assert "registration_closes_on" in refused.value.errors
    assert not Training.objects.filter(title="Zu spät").exists()


def test_the_module_changes_only_while_a_draft_and_only_to_one_that_fits_the_sessions(
    coordinator, wesel
):
    access = access_for(coordinator)
    training = make_training(wesel, sessions=1, status="draft")  # sessions of 15 to 25
    speaker = Module.objects.get(code="referentenschulung")
    details = {"title": training.title, "description": ""}
    if speaker.max_size < 25:
        with (
            translation.override("en"),
            pytest.raises(ValidationFailed, match="change the sessions"),
        ):
            services.update_training(access=access, training=training, module=speaker, **details)
    training.status = Training.Status.OPEN
    training.save()
    with (
        translation.override("en"),
        pytest.raises(ValidationFailed, match="while the training is a draft"),
    ):
        services.update_training(access=access, training=training, module=speaker, **details)
    training.refresh_from_db()
    assert training.module.code == "basismodul"


def test_the_state_level_plans_an_offer_to_every_region_and_coordinators_cannot(
    client, coordinator, state_user
):
    module = Module.objects.get(code="referentenschulung")
    client.force_login(coordinator)
    assert client.get(reverse("training-state-create")).status_code == 403
    response = client.post(reverse("training-state-create"), {"module": module.pk, "title": "X"})
    assert response.status_code == 403

    client.force_login(state_user)
    response = client.post(
        reverse("training-state-create"),
        {"module": module.pk, "title": "Referent/inn/enschulung NRW"},
    )

    training = Training.objects.get(title="Referent/inn/enschulung NRW")
    assert response.status_code == 302 and training.region is None
    assert training.status == Training.Status.DRAFT
    listed = client.get(reverse("training-state-list")).content.decode()
    assert "Referent/inn/enschulung NRW" in listed
    client.force_login(coordinator)  # the state level's own records
    assert client.get(reverse("training-detail", args=[training.pk])).status_code == 404
