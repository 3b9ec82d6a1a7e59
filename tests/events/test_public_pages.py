"""The pages for parents: search, event page, booking in two steps, the personal booking link,
Leichte Sprache, and the languages (Arabic right to left; staff pages stay German)."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from neuewege.events.models import ConsentText, EventSession, ParentEvent, Registration
from neuewege.events.public_views import RESULTS_PER_PAGE
from neuewege.events.services.booking import book, cancel_token
from tests.factories import InstitutionFactory, PersonFactory, make_event

WESEL = (51.6583, 6.6178)  # postcode 46483 lies here
BORKEN = (51.8436, 6.8578)  # about 26 km away


@pytest.fixture
def parent(client):
    """A parent whose browser asks for English (the msgids), so texts can be asserted."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def near(family_centre):
    family_centre.latitude, family_centre.longitude = WESEL
    family_centre.street, family_centre.phone = "Am Markt 1", "0281 12345"
    family_centre.save()
    return family_centre


@pytest.fixture
def far(borken):
    return InstitutionFactory(
        region=borken,
        name="Familienzentrum Borken",
        postcode="46325",
        town="Borken",
        latitude=BORKEN[0],
        longitude=BORKEN[1],
    )


def in_days(days, hour=9):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, 30), tzinfo=timezone.get_default_timezone())


def results(response):
    page = response.context["page"]
    return [] if page is None else [event.title for event in page.object_list]


def booking_data(event, session=None, **changes):
    consent = ConsentText.objects.filter(purpose="booking").order_by("-version").first()
    data = {
        "session": session.pk if session else "",
        "first_name": "Ayşe",
        "phone": "",
        "email": "ayse@example.org",
        "child_ages": "2, 4",
        "language_needs": "Türkisch",
        "consent": "on",
        "consent_version": consent.pk,
    }
    return data | changes


def start_url(event, session=None):
    url = reverse("booking-start", args=[event.pk])
    return f"{url}?session={session.pk}" if session else url


def book_through_pages(client, event, session=None, **changes):
    """Form, then "check your answers", then confirm. Returns the last response."""
    response = client.post(start_url(event, session), booking_data(event, session, **changes))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("booking-check", args=[event.pk])
    return client.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})


# Search


def test_search_by_postcode_finds_a_nearby_event_and_not_a_far_one(parent, near, far):
    make_event(near, title="Elterncafé Wesel")
    make_event(far, title="Elterncafé Borken")
    response = parent.get(reverse("public-event-list"), {"plz": "46483", "radius": "10"})
    assert response.status_code == 200
    assert results(response) == ["Elterncafé Wesel"]
    assert "km away" in response.content.decode()
    wide = parent.get(reverse("public-event-list"), {"plz": "46483", "radius": "50"})
    assert sorted(results(wide)) == ["Elterncafé Borken", "Elterncafé Wesel"]


def test_a_place_without_family_centres_near_it_finds_nothing(parent, near):
    make_event(near, title="Elterncafé Wesel")
    response = parent.get(reverse("public-event-list"), {"plz": "80331", "radius": "5"})
    assert response.status_code == 200
    assert results(response) == [] and response.context["page"].paginator.count == 0


def test_the_distance_searched_with_is_the_one_shown(parent, near):
    response = parent.get(reverse("public-event-list"), {"plz": "46483"})
    assert response.context["criteria"].radius_km == 10
    assert response.context["form"]["radius"].value() == "10"
    assert '<option value="10" selected>' in response.content.decode()


def test_a_centre_without_coordinates_is_found_at_its_postcode(parent, family_centre):
    make_event(family_centre, title="Ohne Koordinaten")  # postcode 46483, no coordinates
    response = parent.get(reverse("public-event-list"), {"plz": "46485", "radius": "5"})
    assert results(response) == ["Ohne Koordinaten"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"plz": "00000"}, "plz", "We do not know this postcode"),
        ({"plz": "4648"}, "plz", "A postcode has 5 digits"),
        ({"plz": "abcde"}, "plz", "A postcode has 5 digits"),
        ({"ort": "Atlantis"}, "ort", "We do not know this town"),
        ({"radius": "7"}, "radius", "Choose one of the distances"),
        ({"ab": "morgen"}, "ab", "Enter a date like"),
        ({"sprache": "xx"}, "sprache", "Choose one of the languages"),
    ],
)
def test_bad_search_input_gets_a_message_at_the_field_and_no_results(
    parent, near, query, field, message
):
    make_event(near)
    response = parent.get(reverse("public-event-list"), query)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert response.context["page"] is None
    body = response.content.decode()
    assert "data-error-summary" in body
    assert f'href="#id_{field}"' in body


def test_a_search_date_out_of_range_is_a_field_error(client, db):
    response = client.get(reverse("public-event-list"), {"ab": "0001-01-01"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text or "24.03.2026" in response.text


def test_search_by_town_uses_the_institutions_of_that_town(parent, near, far):
    make_event(near, title="Elterncafé Wesel")
    make_event(far, title="Elterncafé Borken")
    response = parent.get(reverse("public-event-list"), {"ort": "wesel", "radius": "10"})
    assert results(response) == ["Elterncafé Wesel"]


def test_filters_by_format_date_and_language(parent, near):
    cafe = make_event(near, title="Café", starts=in_days(3))
    make_event(near, "info_session", title="Thema", starts=in_days(20))
    cafe.languages = ["de", "tr"]
    cafe.save()
    url = reverse("public-event-list")
    assert results(parent.get(url, {"format": "info_session"})) == ["Thema"]
    assert results(parent.get(url, {"ab": (timezone.localdate() + timedelta(days=10))})) == [
        "Thema"
    ]
    assert results(parent.get(url, {"sprache": "tr"})) == ["Café"]
    assert results(parent.get(url, {"sprache": "ar"})) == []


def test_only_future_dates_of_published_events_and_a_course_once(parent, near):
    make_event(near, "parent_course", title="Kurs", starts=in_days(5))
    make_event(near, title="Reihe", dates=3, starts=in_days(2))
    make_event(near, title="Entwurf", status="draft")
    make_event(near, title="Abgesagt", status="cancelled")
    make_event(near, title="Vorbei", starts=timezone.now() - timedelta(days=3))
    begun = make_event(near, "parent_course", title="Begonnener Kurs", starts=in_days(-8))
    assert begun.sessions.filter(starts_at__gt=timezone.now()).exists()
    cancelled_date = make_event(near, title="Termin abgesagt")
    cancelled_date.sessions.update(is_cancelled=True)
    response = parent.get(reverse("public-event-list"))
    assert results(response) == ["Reihe", "Kurs"]  # one card per event
    events = {event.title: event for event in response.context["page"].object_list}
    course = events["Kurs"]
    assert course.date_count == 5
    assert [session.starts_at for session in course.next_dates] == [in_days(5)]
    assert len(events["Reihe"].next_dates) == 3
    assert "Course with 5 dates" in response.content.decode()


def test_results_show_centre_format_date_childcare_and_free_places(parent, near, booking_for):
    event = make_event(near, title="Elterncafé", capacity=2)
    full = make_event(near, title="Voll", capacity=1, childcare_offered=False)
    book(event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for())
    book(event_id=full.pk, session_id=full.sessions.get().pk, booking=booking_for(child_ages=[]))
    response = parent.get(reverse("public-event-list"))
    events = {event.title: event for event in response.context["page"].object_list}
    assert events["Elterncafé"].next_dates[0].free_places == 1
    assert events["Voll"].next_dates[0].free_places == 0
    body = response.content.decode()
    assert "Familienzentrum Sonnenschein Wesel, Wesel" in body
    assert "Parents&#x27; café" in body or "Parents' café" in body
    assert "1 place free" in body and "Full: waiting list" in body
    assert body.count("Childcare") >= 2 and ">No<" in body


def test_what_staff_typed_is_shown_as_text_on_the_result_cards(parent, near):
    near.name = 'Familienzentrum "Kunterbunt" & Co <b>'
    near.save()
    make_event(near, title="<script>alert(1)</script> Elterncafé")
    body = parent.get(reverse("public-event-list")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Elterncafé" in body
    assert "<script>alert(1)" not in body
    assert "&amp; Co &lt;b&gt;" in body and "& Co <b>" not in body


def test_dates_are_shown_in_german_format_in_berlin_time(client, near):
    make_event(near, starts=in_days(4, hour=9))
    body = client.get(reverse("public-event-list")).content.decode()
    local = timezone.localtime(in_days(4, hour=9))
    assert f"{local.day}. " in body and "09:30–11:00" in body


def test_the_number_of_queries_does_not_grow_with_the_results(
    parent, near, far, django_assert_max_num_queries
):
    for index in range(3):
        make_event(near, title=f"Wenig {index}")
    url = reverse("public-event-list")
    # the kinds of event (the form), the family centres near the place, and the results: the
    # page's events with their dates, centres and formats and the number of all results
    with django_assert_max_num_queries(3):
        few = parent.get(url, {"plz": "46483", "radius": "50"})
    for index in range(20):
        make_event(near if index % 2 else far, title=f"Viel {index}", dates=2)
    make_event(near, "parent_course")
    cache.clear()  # the page of a minute ago has expired
    with django_assert_max_num_queries(3):
        many = parent.get(url, {"plz": "46483", "radius": "50"})
    assert len(results(few)) == 3 and len(results(many)) == RESULTS_PER_PAGE
    assert many.context["page"].paginator.count == 24
    assert "24 events within 50 km of 46483" in many.content.decode()


def test_results_are_paginated(parent, near):
    for index in range(RESULTS_PER_PAGE + 2):
        make_event(near, title=f"E{index}", starts=in_days(2) + timedelta(hours=index))
    second = parent.get(reverse("public-event-list"), {"page": "2"})
    assert results(second) == [f"E{RESULTS_PER_PAGE}", f"E{RESULTS_PER_PAGE + 1}"]
    assert second.context["page"].paginator.count == RESULTS_PER_PAGE + 2
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 2), ("3", 2), ("9" * 30, 2)])
def test_a_page_number_out_of_range_shows_the_first_or_last_page(parent, near, asked, shown):
    for index in range(RESULTS_PER_PAGE + 2):
        make_event(near, title=f"E{index}", starts=in_days(2) + timedelta(hours=index))
    response = parent.get(reverse("public-event-list"), {"page": asked})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == shown and page.paginator.count == RESULTS_PER_PAGE + 2
    assert len(results(response)) == (RESULTS_PER_PAGE if shown == 1 else 2)


def test_no_results_say_so(parent, near):
    make_event(near, "info_session", title="Thema")
    response = parent.get(reverse("public-event-list"), {"format": "parent_cafe"})
    assert results(response) == []
    assert response.context["page"].paginator.count == 0
    assert "No events found" in response.content.decode()


def test_a_series_shows_its_next_dates_and_how_many_more(parent, near, booking_for):
    series = make_event(near, title="Reihe", dates=6, starts=in_days(2))
    first = series.sessions.order_by("starts_at").first()
    book(event_id=series.pk, session_id=first.pk, booking=booking_for())
    response = parent.get(reverse("public-event-list"))
    (event,) = response.context["page"].object_list
    assert len(event.next_dates) == 4 and event.more_dates == 2
    assert [d.starts_at for d in event.next_dates] == sorted(d.starts_at for d in event.next_dates)
    assert event.next_dates[0].free_places == series.capacity - 1
    assert event.next_start == event.next_dates[0].starts_at
    body = response.content.decode()
    assert "2 more dates" in body
    local = timezone.localtime(first.starts_at)
    assert f'<time datetime="{local.isoformat()}">' in body
    assert f"?session={first.pk}" in body


# The event's page


def test_event_page_shows_what_a_parent_needs(parent, near, wesel):
    job_centre = InstitutionFactory(region=wesel, kind="job_centre", name="Jobcenter Kreis Wesel")
    speaker = PersonFactory(institution=job_centre, last_name="Geheimname")
    event = make_event(near, title="Elterncafé", speakers=[speaker])
    event.languages = ["de", "ar"]
    event.description = "Wir sprechen über Teilzeit."
    event.save()
    session = event.sessions.get()
    response = parent.get(reverse("public-event-detail", args=[event.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Elterncafé",
        "Wir sprechen über Teilzeit.",
        "Have a coffee and talk with other parents.",  # the format's description
        "Am Markt 1, 46483 Wesel",
        'href="tel:0281 12345"',
        "Yes. Your children are looked after",
        "German, Arabic",
        "Jobcenter Kreis Wesel",
        f"{reverse('booking-start', args=[event.pk])}?session={session.pk}",
        reverse("public-session-ics", args=[session.pk]),
    ):
        assert text in body, text
    assert "Geheimname" not in body  # organisations, not people
    assert 'lang="de"' in body  # the German title inside an English page
    assert "data-map" not in body


def test_each_date_of_a_series_shows_its_own_free_places(parent, near, booking_for):
    series = make_event(near, dates=2, capacity=1)
    first, second = series.sessions.all()
    book(event_id=series.pk, session_id=first.pk, booking=booking_for())
    response = parent.get(reverse("public-event-detail", args=[series.pk]))
    dates = {session.pk: session for session in response.context["dates"]}
    assert dates[first.pk].free_places == 0 and dates[second.pk].free_places == 1
    body = response.content.decode()
    assert "Join the waiting list" in body and "1 place free" in body
    assert body.count(reverse("booking-start", args=[series.pk])) == 2


def test_map_only_when_tiles_are_switched_on(parent, near, settings):
    event = make_event(near)
    url = reverse("public-event-detail", args=[event.pk])
    assert "data-map" not in parent.get(url).content.decode()
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    cache.clear()  # a change of settings comes with a restart
    body = parent.get(url).content.decode()
    assert "data-map" in body and "leaflet.js" in body


def test_course_page_has_one_button_for_all_dates(parent, near):
    course = make_event(near, "parent_course", title="Kurs")
    body = parent.get(reverse("public-event-detail", args=[course.pk])).content.decode()
    assert body.count(reverse("booking-start", args=[course.pk])) == 1
    assert "Book the course" in body
    assert "„Ich habe Vorfahrt“" in body
    assert reverse("public-event-ics", args=[course.pk]) in body


@pytest.mark.parametrize("status", ["draft", "held", "closed"])
def test_unpublished_events_are_not_shown(parent, near, status):
    event = make_event(near, status=status)
    response = parent.get(reverse("public-event-detail", args=[event.pk]))
    assert response.status_code == 404
    assert "This event does not exist" in response.content.decode()


def test_unknown_and_huge_ids_are_404_not_500(parent, db):
    assert parent.get("/veranstaltungen/999999/").status_code == 404
    assert parent.get("/veranstaltungen/99999999999999999999999/").status_code == 404
    assert parent.get("/veranstaltungen/99999999999999999999999/anmelden/").status_code == 404
    assert parent.get("/veranstaltungen/?page=abc").status_code == 200


def test_cancelled_event_shows_a_notice_and_no_booking(parent, near):
    event = make_event(near, status="cancelled")
    event.cancellation_reason = "Die Referentin ist krank."
    event.save()
    session = event.sessions.get()
    body = parent.get(reverse("public-event-detail", args=[event.pk])).content.decode()
    assert "This event is cancelled." in body and "Die Referentin ist krank." in body
    assert reverse("booking-start", args=[event.pk]) not in body
    response = parent.get(start_url(event, session))
    assert "This event is cancelled. You cannot book it." in response.content.decode()
    assert "form" not in response.context


# Booking


def test_booking_from_form_to_confirmation(parent, near, django_capture_on_commit_callbacks):
    event = make_event(near, title="Elterncafé", capacity=12)
    session = event.sessions.get()
    consent = ConsentText.objects.get(purpose="booking", version=1)
    survey = ConsentText.objects.get(purpose="survey", version=1)

    form = parent.get(start_url(event, session))
    body = form.content.decode()
    assert form.status_code == 200
    assert consent.text_en in body and survey.text_en in body
    assert f'name="consent_version" value="{consent.pk}"' in body
    for name in ("first_name", "email", "phone", "child_ages", "language_needs", "consent"):
        assert f'for="id_{name}"' in body, name

    data = booking_data(event, session, survey_consent="on", phone="0170 1234567")
    response = parent.post(start_url(event, session), data)
    assert response["Location"] == reverse("booking-check", args=[event.pk])
    assert not Registration.objects.exists()  # nothing saved before the parent confirms

    check = parent.get(response["Location"])
    body = check.content.decode()
    assert "Check your answers" in body
    assert "Ayşe" in body and "ayse@example.org" in body and "0170 1234567" in body
    assert "For 2 children, ages 2, 4" in body
    assert f"{start_url(event, session)}#id_email" in body  # change links

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        done = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    registration = Registration.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("booking-manage", args=[cancel_token(registration)])
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.source == Registration.Source.ONLINE
    assert registration.session == session
    assert registration.child_ages == [2, 4]
    assert registration.language_needs == "Türkisch"
    assert registration.language == "en"
    assert registration.consent == consent and registration.consented_at >= before
    assert registration.survey_consent == survey and registration.survey_consented_at >= before

    page = parent.get(done["Location"])
    body = page.content.decode()
    assert "You are booked" in body
    assert "We also sent you an e-mail to ayse@example.org." in body
    assert "Keep this link." in body
    assert page.wsgi_request.build_absolute_uri(done["Location"]) in body
    assert reverse("public-session-ics", args=[session.pk]) in body
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert len(mail.outbox) == 1 and done["Location"] in mail.outbox[0].body
    # the confirmation panel shows once; the booking page stays
    assert "You are booked" not in parent.get(done["Location"]).content.decode()


def test_survey_consent_is_optional_and_separate(parent, near):
    event = make_event(near)
    session = event.sessions.get()
    book_through_pages(parent, event, session, phone="0170 1234567", email="", child_ages="")
    registration = Registration.objects.get()
    assert registration.consent_id and registration.survey_consent is None
    assert registration.survey_consented_at is None
    assert registration.child_ages == []
    assert registration.email == "" and registration.phone == "0170 1234567"
    body = parent.get(reverse("booking-manage", args=[cancel_token(registration)]))
    assert "the family centre will call you" in body.content.decode()


def test_a_course_is_booked_as_a_whole(parent, near):
    course = make_event(near, "parent_course", title="Kurs")
    form = parent.get(start_url(course))
    assert form.status_code == 200
    assert "Course with 5 dates" in form.content.decode()
    book_through_pages(parent, course)
    registration = Registration.objects.get()
    assert registration.session is None and registration.status == "confirmed"
    body = parent.get(reverse("booking-manage", args=[cancel_token(registration)]))
    assert reverse("public-event-ics", args=[course.pk]) in body.content.decode()


def test_a_single_event_can_be_booked_without_choosing_the_date(parent, near):
    event = make_event(near)
    assert parent.get(start_url(event)).status_code == 200
    series = make_event(near, dates=3)
    response = parent.get(start_url(series))
    assert response["Location"].endswith(f"/veranstaltungen/{series.pk}/#dates")


def test_changing_an_answer_keeps_the_others(parent, near):
    event = make_event(near)
    session = event.sessions.get()
    parent.post(start_url(event, session), booking_data(event, session))
    form = parent.get(start_url(event, session)).context["form"]
    assert form["first_name"].value() == "Ayşe"
    assert form["child_ages"].value() == "2, 4"
    assert form["consent"].value() is True


BAD_ANSWERS = [
    ({"phone": "", "email": ""}, "email", "Enter a phone number or an e-mail address"),
    ({"email": "ayse(at)example"}, "email", "Enter an e-mail address like"),
    ({"phone": "ruf mich an", "email": ""}, "phone", "Enter a phone number with digits"),
    ({"first_name": "  "}, "first_name", "Enter your first name."),
    ({"child_ages": "15"}, "child_ages", "from 0 to 14"),
    ({"child_ages": "-1"}, "child_ages", "from 0 to 14"),
    ({"child_ages": "zwei"}, "child_ages", "Write the ages as numbers"),
    ({"child_ages": "2 Jahre"}, "child_ages", "Write the ages as numbers"),
    ({"consent": ""}, "consent", "Please agree to the processing of your details."),
    ({"consent_version": "999999"}, "consent", "Please agree to the processing of your details."),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_ANSWERS)
def test_bad_answers_get_a_message_at_the_field_and_save_nothing(
    parent, near, changes, field, message
):
    event = make_event(near)
    session = event.sessions.get()
    response = parent.post(start_url(event, session), booking_data(event, session, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert "data-error-summary" in body and f'href="#id_{field}"' in body
    assert 'aria-invalid="true"' in body
    assert not Registration.objects.exists()
    # nothing waits for confirmation either
    check = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert check.status_code == 302 and not Registration.objects.exists()


def test_no_childcare_field_when_the_event_has_none(parent, near):
    event = make_event(near, childcare_offered=False)
    session = event.sessions.get()
    response = parent.get(start_url(event, session))
    assert "child_ages" not in response.context["form"].fields
    assert "There is no childcare at this event." in response.content.decode()
    book_through_pages(parent, event, session)
    assert Registration.objects.get().child_ages == []


def test_a_past_date_cannot_be_booked(parent, near):
    event = make_event(near, starts=timezone.now() - timedelta(hours=1))
    session = event.sessions.get()
    response = parent.get(start_url(event, session))
    assert "This date cannot be booked (any more)." in response.content.decode()
    response = parent.post(start_url(event, session), booking_data(event, session))
    assert "form" not in response.context
    assert not Registration.objects.exists()


def test_a_date_that_begins_while_the_parent_checks_is_refused(parent, near):
    event = make_event(near)
    session = event.sessions.get()
    parent.post(start_url(event, session), booking_data(event, session))
    EventSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    response = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert "Booking is not possible" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_event_cancelled_while_the_parent_checks_is_refused(parent, near):
    event = make_event(near)
    session = event.sessions.get()
    parent.post(start_url(event, session), booking_data(event, session))
    ParentEvent.objects.filter(pk=event.pk).update(status="cancelled")
    response = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert response.status_code == 404 or "This event is cancelled" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_date_of_another_event_cannot_be_booked(parent, near):
    event = make_event(near)
    other = make_event(near)
    response = parent.get(start_url(event, other.sessions.get()))
    assert "This date cannot be booked" in response.content.decode()


def test_when_full_the_parent_joins_the_waiting_list(parent, near, booking_for):
    event = make_event(near, capacity=1)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="a@b.de"))
    form = parent.get(start_url(event, session)).content.decode()
    assert "This date is full" in form
    done = book_through_pages(parent, event, session)
    registration = Registration.objects.get(email="ayse@example.org")
    assert registration.status == Registration.Status.WAITLISTED
    body = parent.get(done["Location"]).content.decode()
    assert "You are on the waiting list" in body
    assert "You are number 1 on the waiting list." in body


def test_the_same_contact_cannot_book_the_same_date_twice(parent, near, booking_for):
    event = make_event(near)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="ayse@example.org"))
    # told on the form already, with the other answers' problems
    response = parent.post(start_url(event, session), booking_data(event, session))
    assert response.status_code == 200
    form = response.context["form"]
    assert "already registered" in " ".join(form.errors["email"])
    assert 'href="#id_email"' in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_booking_of_the_same_contact_while_the_parent_checks_is_refused(
    parent, near, booking_for
):
    event = make_event(near)
    session = event.sessions.get()
    response = parent.post(start_url(event, session), booking_data(event, session))
    assert response.status_code == 302
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="ayse@example.org"))
    response = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["email"])
    assert Registration.objects.count() == 1


def test_a_double_click_on_confirm_books_once(parent, near):
    event = make_event(near)
    session = event.sessions.get()
    first = book_through_pages(parent, event, session)
    again = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert again["Location"] == first["Location"]
    assert Registration.objects.count() == 1


# The personal link


def test_a_forged_or_unknown_token_gets_a_clear_404(parent, near, booking_for):
    event = make_event(near)
    registration, token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    for bad in (token + "x", "1.abcdef", "nonsense", f"{registration.pk}"):
        response = parent.get(reverse("booking-manage", args=[bad]))
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
        post = parent.post(reverse("booking-manage", args=[bad]), {"cancel": "1"})
        assert post.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancel_with_the_link_frees_the_place_for_the_first_who_waits(parent, near, booking_for):
    event = make_event(near, capacity=1)
    session = event.sessions.get()
    mine, token = book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    first, _ = book(
        event_id=event.pk, session_id=session.pk, booking=booking_for(email="w1@example.org")
    )
    second, _ = book(
        event_id=event.pk, session_id=session.pk, booking=booking_for(email="w2@example.org")
    )
    url = reverse("booking-manage", args=[token])
    page = parent.get(url).content.decode()
    assert "You have a place." in page and f"{url}?absagen=1" in page
    ask = parent.get(url, {"absagen": "1"}).content.decode()
    assert "Do you really want to cancel your booking?" in ask and 'name="cancel"' in ask

    done = parent.post(url, {"cancel": "1"})
    assert done.status_code == 302
    assert "Your booking is cancelled" in parent.get(url).content.decode()
    mine.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED and mine.cancelled_at
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITLISTED


def test_a_reused_cancel_link_changes_nothing(parent, near, booking_for):
    event = make_event(near)
    registration, token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    url = reverse("booking-manage", args=[token])
    parent.post(url, {"cancel": "1"})
    registration.refresh_from_db()
    cancelled_at = registration.cancelled_at
    notifications = registration.notifications.count()
    page = parent.get(url).content.decode()
    assert "This booking is cancelled." in page and 'name="cancel"' not in page
    again = parent.post(url, {"cancel": "1"})  # the page shows the current status
    assert again.status_code == 302 and again["Location"] == url
    page = parent.get(url).content.decode()
    assert "Your booking is cancelled" in page and 'name="cancel"' not in page
    registration.refresh_from_db()
    assert registration.cancelled_at == cancelled_at
    assert registration.notifications.count() == notifications


def test_a_begun_event_cannot_be_cancelled_with_the_link(parent, near, booking_for):
    event = make_event(near)
    session = event.sessions.get()
    registration, token = book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    EventSession.objects.filter(pk=session.pk).update(starts_at=timezone.now())
    url = reverse("booking-manage", args=[token])
    assert "absagen=1" not in parent.get(url).content.decode()
    response = parent.post(url, {"cancel": "1"})
    assert response.status_code == 409
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


# Languages


def test_pages_render_right_to_left_in_arabic(near, booking_for):
    event = make_event(near)
    _registration, token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    arabic = Client(HTTP_ACCEPT_LANGUAGE="ar")
    urls = [
        reverse("public-event-list"),
        reverse("public-event-detail", args=[event.pk]),
        start_url(event, event.sessions.get()),
        reverse("booking-manage", args=[token]),
        reverse("easy-read"),
    ]
    for url in urls:
        body = arabic.get(url).content.decode()
        assert '<html lang="ar" dir="rtl">' in body, url
    cookie = Client()
    cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    body = cookie.get(reverse("public-event-detail", args=[event.pk])).content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert "مقهى الآباء والأمهات" in body  # the format's name in Arabic


def test_every_language_is_offered_by_its_own_name(client, db):
    body = client.get(reverse("public-event-list")).content.decode()
    for code, name in [
        ("de", "Deutsch"),
        ("en", "English"),
        ("tr", "Türkçe"),
        ("ar", "العربيّة"),
        ("uk", "Українська"),
        ("ru", "Русский"),
        ("pl", "Polski"),
    ]:
        assert f'hreflang="{code}" lang="{code}"' in body, code
        assert name in body, name


def test_the_language_switch_keeps_the_parent_on_the_page(client, near):
    event = make_event(near)
    url = reverse("public-event-detail", args=[event.pk])
    response = client.get(reverse("choose-language", args=["tr"]), {"next": url})
    assert response["Location"] == url
    assert '<html lang="tr" dir="ltr">' in client.get(url).content.decode()


def test_the_language_link_goes_nowhere_else_and_knows_only_our_languages(client, db):
    response = client.get(
        reverse("choose-language", args=["uk"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("public-event-list")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    assert client.get(reverse("choose-language", args=["xx"])).status_code == 404


def test_staff_pages_are_not_switched_by_the_parents_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    assert '<html lang="de"' in client.get(reverse("login")).content.decode()
    assert '<html lang="tr"' in client.get(reverse("public-event-list")).content.decode()


def test_easy_read_page_explains_the_site(parent, db):
    response = parent.get(reverse("easy-read"))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "How do I find an event?",
        "How do I book a place?",
        "Can I bring my children?",
        "I cannot come. What do I do?",
        "What happens with my details?",
    ):
        assert text in body


def test_parent_pages_have_no_login_and_the_legal_links(client, near, staff):
    client.force_login(staff)
    event = make_event(near)
    for url in (reverse("public-event-list"), reverse("public-event-detail", args=[event.pk])):
        body = client.get(url).content.decode()
        assert reverse("logout") not in body and reverse("api-tokens") not in body
        for name in ("imprint", "privacy", "accessibility", "barrier-report"):
            assert reverse(name) in body


def test_event_search_and_page_are_shared_from_the_cache(near, django_assert_num_queries):
    event = make_event(near)
    for url in (
        reverse("public-event-list") + "?plz=46483",
        reverse("public-event-detail", args=[event.pk]),
    ):
        first = Client().get(url)
        assert "csrfmiddlewaretoken" not in first.content.decode() and not first.cookies
        with django_assert_num_queries(0):
            again = Client().get(url)  # another parent, a moment later
        assert again.content == first.content
        assert again["Cache-Control"] == "max-age=0"  # browsers ask again each time
        turkish = Client()
        turkish.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
        assert '<html lang="tr"' in turkish.get(url).content.decode()
