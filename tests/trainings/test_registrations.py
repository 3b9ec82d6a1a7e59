"""Professionals register for a training (issue 14, part 3): the public link through the real
pages (form → e-mail → confirmation link → confirmed), every refused input with its message and
nothing saved, staff registering people in bulk, removing registrations and the waiting list
filling a freed place, outsiders refused."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core.access import access_for
from neuewege.core.models import Institution, User
from neuewege.core.privacy import CATEGORIES
from neuewege.trainings.models import Training, TrainingRegistration
from neuewege.trainings.services import registrations as services
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_registrant,
    make_training,
)

Status = TrainingRegistration.Status


@pytest.fixture
def public(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def training(wesel):
    return make_training(wesel, sessions=2)


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Wesel"
    )


def answers(training, chosen, **changes):
    sessions = [str(session.pk) for session in training.sessions.all()]
    data = {
        "first_name": "Jana",
        "last_name": "Schulte",
        "email": "jana.schulte@jobcenter.example",
        "institution": str(chosen.pk),
        "other_institution": "",
        "other_kind": "",
        "sessions": sessions,
        "first_choice": sessions[-1],
        "second_choice": "",
    }
    return data | changes


def register_url(training):
    return reverse("training-register", args=[training.registration_key])


def text(response):
    return response.content.decode()


def test_a_professional_registers_through_the_link_and_confirms_by_email(
    public, training, job_centre, django_capture_on_commit_callbacks
):
    person = PersonFactory(institution=job_centre, email="Jana.Schulte@jobcenter.example")
    form = public.get(register_url(training))
    assert form.status_code == 200
    page = text(form)
    assert "Jobcenter Wesel" in page and "Art. 6 (1) e GDPR" in page
    assert f'<optgroup label="{Institution.Kind.JOB_CENTRE.label}">' in page or "optgroup" in page

    with django_capture_on_commit_callbacks(execute=True):
        sent = public.post(register_url(training), answers(training, job_centre))
    assert sent.status_code == 302
    next_page = public.get(sent["Location"])
    assert "What happens next" in text(next_page)
    registration = TrainingRegistration.objects.get(training=training)
    assert registration.status == Status.UNCONFIRMED
    assert registration.preferences == [training.sessions.last().pk]
    assert registration.available_sessions.count() == 2

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jana.schulte@jobcenter.example"]
    link = re.search(r"https?://\S+/t/confirm/(\S+)/", mail.outbox[0].body)
    token = link.group(1)
    assert registration.confirmation_digest == TrainingRegistration.digest_of(token)
    assert token not in registration.confirmation_digest  # only the digest is stored

    confirm_url = reverse("training-confirm", args=[token])
    shown = public.get(confirm_url)  # a mail scanner opening the link changes nothing
    registration.refresh_from_db()
    assert shown.status_code == 200 and registration.status == Status.UNCONFIRMED
    confirmed = public.post(confirm_url, {"confirm": "1"})
    assert "Your registration is confirmed." in text(confirmed)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and registration.confirmed_at is not None
    assert registration.person == person  # the same address at that institution

    cancelled = public.post(confirm_url, {"cancel": "1"})
    assert "Your registration is cancelled." in text(cancelled)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert public.get(reverse("training-confirm", args=["falsch"])).status_code == 404


def test_another_institution_by_name_and_kind(public, training):
    sent = public.post(
        register_url(training),
        answers(
            training,
            InstitutionFactory(),
            institution="other",
            other_institution="Bildungswerk Niederrhein",
            other_kind=Institution.Kind.EDUCATION_PROVIDER,
        ),
    )
    assert sent.status_code == 302
    registration = TrainingRegistration.objects.get()
    assert registration.institution is None
    assert registration.other_institution == "Bildungswerk Niederrhein"
    assert registration.institution_kind == Institution.Kind.EDUCATION_PROVIDER
    refused = public.post(
        register_url(training),
        answers(training, InstitutionFactory(), institution="other", email="b@example.org"),
    )
    assert "Give the name of your institution." in text(refused)
    assert "Choose the kind of your institution." in text(refused)


def test_an_unknown_link_is_not_found(public, db):
    response = public.get(reverse("training-register", args=["kein-schluessel"]))
    assert response.status_code == 404
    assert "This link does not work" in text(response)


def _refused(public, training, data, message):
    before = TrainingRegistration.objects.count()
    response = public.post(register_url(training), data)
    assert response.status_code in {200, 422}, response.status_code
    page = text(response)
    assert message in page, page[page.find("error-summary") : page.find("error-summary") + 1500]
    assert TrainingRegistration.objects.count() == before
    assert not mail.outbox


@pytest.mark.parametrize(
    "case, message",
    [
        ("draft", "Registration for this training is not open."),
        ("closed", "Registration for this training has closed."),
        ("all sessions cancelled", "All sessions of this training are cancelled."),
        ("full", "This training is full."),
    ],
)
def test_a_training_that_takes_no_registrations_refuses(
    public, wesel, job_centre, case, message, family_centre
):
    training = make_training(wesel, sessions=1, min_size=1, max_size=1)
    data = answers(training, job_centre)
    if case == "draft":
        training.status = Training.Status.DRAFT
    elif case == "closed":
        training.registration_closes_on = timezone.localdate() - timedelta(days=1)
    elif case == "all sessions cancelled":
        training.sessions.update(cancelled_at=timezone.now())
    elif case == "full":
        make_registrant(training, family_centre)
    training.save()
    before = TrainingRegistration.objects.count()
    response = public.post(register_url(training), data)
    assert message in text(response)
    assert TrainingRegistration.objects.count() == before and not mail.outbox


def test_bad_answers_are_refused_with_a_message_and_nothing_saved(
    public, training, job_centre, borken, wesel
):
    other_region = InstitutionFactory(region=borken, postcode="46325", town="Borken")
    other_training = make_training(wesel, sessions=1)
    first, second = training.sessions.all()
    _refused(
        public,
        training,
        answers(training, job_centre, institution=str(other_region.pk)),
        "Choose your institution from the list.",
    )
    _refused(
        public,
        training,
        answers(training, job_centre, sessions=[], first_choice=""),
        "Choose at least one session you can attend.",
    )
    _refused(
        public,
        training,
        answers(
            training,
            job_centre,
            sessions=[str(other_training.sessions.get().pk)],
            first_choice="",
        ),
        "Choose only sessions of this training.",
    )
    _refused(
        public,
        training,
        answers(training, job_centre, sessions=[str(first.pk)], first_choice=str(second.pk)),
        "Your preferences must be among the sessions you can attend, each once.",
    )
    second.cancelled_at = timezone.now()
    second.save()
    _refused(
        public,
        training,
        answers(training, job_centre, sessions=[str(second.pk)], first_choice=""),
        "Choose only sessions of this training.",
    )


def test_the_service_refuses_an_institution_of_another_region_and_cancelled_sessions(
    training, borken
):
    other_region = InstitutionFactory(region=borken, postcode="46325", town="Borken")
    first, second = training.sessions.all()
    second.cancelled_at = timezone.now()
    second.save()
    application = services.Application(
        first_name="A",
        last_name="B",
        email="a@example.org",
        institution_id=other_region.pk,
        session_ids=[first.pk],
    )
    with translation.override("en"):
        with pytest.raises(services.ValidationFailed, match="institution of the training's region"):
            services.register(key=training.registration_key, application=application)
        application.institution_id = None
        application.other_institution, application.other_kind = "Verein", "other"
        application.session_ids = [first.pk, second.pk]
        with pytest.raises(services.ValidationFailed, match="not cancelled"):
            services.register(key=training.registration_key, application=application)
    assert not TrainingRegistration.objects.exists()


def test_the_same_email_cannot_register_twice_for_the_same_training(
    public, training, job_centre, wesel
):
    assert public.post(register_url(training), answers(training, job_centre)).status_code == 302
    public.cookies.pop("sessionid", None)
    _refused(
        public,
        training,
        answers(training, job_centre, email="JANA.Schulte@Jobcenter.example"),
        "This e-mail address is already registered for this training.",
    )
    other = make_training(wesel, sessions=1)  # another training: fine
    assert public.post(register_url(other), answers(other, job_centre)).status_code == 302


def test_the_public_form_is_rate_limited(public, training, job_centre):
    for number in range(10):
        public.post(register_url(training), answers(training, job_centre, email=f"p{number}@x.org"))
    response = public.post(register_url(training), answers(training, job_centre, email="z@x.org"))
    assert response.status_code == 429
    assert not TrainingRegistration.objects.filter(email="z@x.org").exists()


# Staff


def test_bulk_registration_from_the_regions_people(
    coordinator_client, training, job_centre, family_centre
):
    ready = PersonFactory(institution=job_centre, first_name="Tom", last_name="Bereit")
    no_mail = PersonFactory(
        institution=job_centre, first_name="Ole", last_name="Ohnepost", email=None
    )
    already = PersonFactory(institution=job_centre, first_name="Ida", last_name="Schondabei")
    make_registrant(training, job_centre, email=already.email.upper())
    centre_person = PersonFactory(institution=family_centre, last_name="Zentrum")
    url = reverse("training-registrations-add", args=[training.pk])

    filtered = text(coordinator_client.get(url + "?kind=job_centre"))
    assert "Bereit" in filtered and "Zentrum" not in filtered
    first = training.sessions.first()
    response = coordinator_client.post(
        url + "?kind=job_centre",
        {"people": [ready.pk, no_mail.pk, already.pk], "sessions": [first.pk]},
        follow=True,
    )
    page = text(response)
    assert "1 person was registered." in page
    assert "Skipped, without an e-mail address: Ole Ohnepost" in page
    assert "Skipped, already registered: Ida Schondabei" in page
    registration = TrainingRegistration.objects.get(person=ready)
    assert registration.status == Status.CONFIRMED and registration.confirmed_at is not None
    assert list(registration.available_sessions.all()) == [first]
    assert not TrainingRegistration.objects.filter(person=centre_person).exists()
    assert "Bereit" in text(
        coordinator_client.get(reverse("training-registrations", args=[training.pk]))
    )

    refused = coordinator_client.post(url, {"people": [centre_person.pk], "sessions": []})
    assert "Choose at least one session they can attend." in text(refused)
    assert not TrainingRegistration.objects.filter(person=centre_person).exists()


def test_removing_a_placed_registration_fills_the_place_from_the_waiting_list(
    coordinator_client, wesel, job_centre, family_centre, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2, status="assigned", min_size=1, max_size=2)
    first, second = training.sessions.all()
    placed = make_registrant(training, job_centre, session=first, email="platz@example.org")
    make_registrant(training, job_centre, session=first, email="auch@example.org")
    now = timezone.now()
    later = make_registrant(training, family_centre, email="spaeter@example.org")
    earlier = make_registrant(training, family_centre, email="frueher@example.org")
    elsewhere = make_registrant(
        training, family_centre, email="anderswo@example.org", available=[second]
    )
    TrainingRegistration.objects.filter(pk=elsewhere.pk).update(
        confirmed_at=now - timedelta(days=9)
    )
    TrainingRegistration.objects.filter(pk=earlier.pk).update(confirmed_at=now - timedelta(days=5))
    TrainingRegistration.objects.filter(pk=later.pk).update(confirmed_at=now - timedelta(days=1))

    url = reverse("training-registration-cancel", args=[placed.pk])
    assert coordinator_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url)
    assert response.status_code == 302
    placed.refresh_from_db()
    earlier.refresh_from_db()
    later.refresh_from_db()
    elsewhere.refresh_from_db()
    assert placed.status == Status.CANCELLED and placed.session is None
    assert earlier.session == first  # the earliest confirmed who can attend that session
    assert later.session is None and elsewhere.session is None
    assert [message.to for message in mail.outbox] == [["frueher@example.org"]]
    assert first.participants.filter(status=Status.CONFIRMED).count() == 2


def test_outsiders_cannot_see_or_change_registrations(client, training, job_centre, borken, staff):
    registration = make_registrant(training, job_centre)
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    for name, pk in (
        ("training-registrations", training.pk),
        ("training-registrations-add", training.pk),
        ("training-registration-cancel", registration.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.post(reverse(name, args=[pk]), {"people": [1]}).status_code == 404
    client.force_login(staff)
    assert (
        client.post(reverse("training-registration-cancel", args=[registration.pk])).status_code
        == 403
    )
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    with pytest.raises(services.PermissionDenied):
        services.cancel_registration(access=access_for(staff), registration=registration)


def test_registrations_are_anonymised_three_years_after_the_last_session(training, job_centre):
    kept = make_registrant(training, job_centre, attended=True, first_name="Lea")
    category = CATEGORIES["training_registrations"]
    assert not category.due(timezone.now()).exists()
    later = timezone.now() + timedelta(days=3 * 365 + 60)
    assert list(category.due(later)) == [kept]
    category.erase(TrainingRegistration.objects.filter(pk=kept.pk), later)
    kept.refresh_from_db()
    assert (kept.first_name, kept.last_name, kept.institution) == ("", "", None)
    assert kept.email.endswith("@anonymised.invalid")
    assert kept.institution_kind == Institution.Kind.JOB_CENTRE and kept.attended is True
    assert not category.due(later).exists()


def test_a_larger_session_after_the_assignment_takes_people_from_the_waiting_list(
    coordinator_client, wesel, job_centre
):
    training = make_training(wesel, sessions=1, status="assigned", min_size=15, max_size=15)
    session = training.sessions.get()
    for _number in range(15):
        make_registrant(training, job_centre, session=session)
    waiting = make_registrant(training, job_centre, email="wartet@example.org")
    local = timezone.localtime(session.starts_at)
    response = coordinator_client.post(
        reverse("training-session-update", args=[session.pk]),
        {
            "site_address": session.site_address,
            "site_postcode": session.site_postcode,
            "day": local.date().isoformat(),
            "starts": "08:00",
            "ends": "16:00",
            "min_size": "15",
            "max_size": "16",
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.session == session


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        from smtplib import SMTPRecipientsRefused

        raise SMTPRecipientsRefused({messages[0].to[0]: (550, b"no such user")})


def test_a_mail_server_that_refuses_does_not_lose_the_registration(
    public, training, job_centre, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = public.post(register_url(training), answers(training, job_centre))
    assert response.status_code == 302
    assert TrainingRegistration.objects.get().email == "jana.schulte@jobcenter.example"
