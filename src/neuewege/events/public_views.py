"""Pages for parents: no account, phone first, plain language, every language of LANGUAGES
(each view is marked ``parent_page``). Find an event, read about it, book in two steps (form,
then "check your answers"), and look at or cancel the booking with the personal link.

The answers of a booking in progress wait in the Django session until the parent confirms;
every rule is decided by ``services.booking.check_booking`` and ``services.booking.book``.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, cache_page, never_cache

from neuewege.core import limits
from neuewege.core.access import public
from neuewege.core.errors import DomainError, NotFound
from neuewege.core.middleware import parent_page
from neuewege.core.replica import replica_reads

from . import search, selectors
from .forms.booking import BookingForm, EventSearchForm, form_data
from .models import ConsentText, ParentEvent, Registration
from .services.booking import (
    Booking,
    book,
    cancel_booking,
    check_booking,
    phone_digits,
    registration_for_token,
)

PENDING = "neuewege.booking.%s"  # answers waiting for "confirm", per event
BOOKED = "neuewege.booked"  # {event id: token} of bookings made in this browser
JUST_BOOKED = "neuewege.just_booked"  # registration id: show the confirmation panel once
JUST_CANCELLED = "neuewege.just_cancelled"
RESULTS_PER_PAGE = 10  # a phone screen or two
MESSAGE_PAGE = "events/public/message.html"
UNIT_ERRORS = {"event", "session"}  # errors about the date, not about the parent's answers


def shared_page(view):
    """A page that is the same for every parent who reads it in the same language: answered
    from the cache for PUBLIC_PAGE_CACHE_SECONDS, one copy per address and language (and per
    cookie, should the page read one). Free places shown may lag by that time; booking always
    decides on the current figures. Browsers ask again each time."""
    return cache_page(settings.PUBLIC_PAGE_CACHE_SECONDS)(cache_control(max_age=0)(view))


def message_page(request, title, text, *, status=200, event=None, alert="info"):
    """A page with one message (unknown link, a date that cannot be booked)."""
    return render(
        request,
        "events/public/message.html",
        {"title": title, "text": text, "event": event, "alert": alert},
        status=status,
    )


def event_not_found(request):
    return message_page(
        request,
        _("Event not found"),
        _("This event does not exist or is not shown any more."),
        status=404,
    )


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= search.MAX_ID else None


def _add_errors(form, error: DomainError):
    """A domain error at its field; errors about the date or event at the top of the form."""
    for field, messages in error.errors.items():
        target = field if field in form.fields and field not in UNIT_ERRORS else None
        if target is not None and target in form.errors:
            continue  # the form named the problem of this field already
        for message in messages:
            form.add_error(target, message)


# Finding events


@parent_page
@shared_page
@replica_reads()  # lags as the cached page does
def event_list(request):
    form = EventSearchForm(request.GET or None)
    criteria, page, place = search.EventSearch(), None, ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            criteria = search.EventSearch(
                point=search.locate(postcode=data["plz"], town=data["ort"]),
                radius_km=data["radius"],
                format_code=data["format"],
                date_from=data["ab"],
                language=data["sprache"],
            )
            place = data["plz"] or data["ort"]
        except DomainError as error:
            _add_errors(form, error)
    if not form.errors:  # a place we do not know: a message, and no results
        page = search.results_page(criteria, request.GET.get("page"), RESULTS_PER_PAGE)
    return render(
        request,
        "events/public/event_list.html",
        {"form": form, "page": page, "criteria": criteria, "place": place},
    )


@parent_page
@shared_page
def event_detail(request, pk):
    event = search.public_event(pk)
    if event is None:
        return event_not_found(request)
    centre = event.family_centre
    dates = search.event_dates(event)
    map_points = (
        [{"lat": float(centre.latitude), "lon": float(centre.longitude), "name": centre.name}]
        if settings.MAP_TILES_URL and centre.has_coordinates
        else []
    )
    live = [session for session in dates if not session.is_cancelled]
    return render(
        request,
        "events/public/event_detail.html",
        {
            "event": event,
            "centre": centre,
            "dates": dates,
            "course_session": live[0] if event.is_course and live else None,
            "organisations": search.speaker_organisations(event),
            "map_points": map_points,
        },
    )


# Booking


def _unavailable(request, event, error: DomainError | None = None):
    if event.status == ParentEvent.Status.CANCELLED:
        text = _("This event is cancelled. You cannot book it.")
    elif error is not None:
        text = " ".join(error.messages())
    else:
        text = _("This date cannot be booked (any more). Please choose another date.")
    return message_page(
        request,
        _("Booking is not possible"),
        text,
        event=event,
        alert="warning",
        status=409 if request.method == "POST" else 200,
    )


def _booking_form(request, event, data=None, initial=None):
    return BookingForm(
        data,
        initial=initial,
        consent=selectors.current_consent(ConsentText.Purpose.BOOKING),
        survey_consent=selectors.current_consent(ConsentText.Purpose.SURVEY),
        childcare_offered=event.childcare_offered,
    )


def _render_form(request, event, session, form):
    query = f"?session={session.pk}" if not event.is_course else ""
    return render(
        request,
        "events/public/booking_form.html",
        {
            "event": event,
            "session": session,
            "dates": search.unit_dates(event, session),
            "form": form,
            "action": reverse("booking-start", args=[event.pk]) + query,
        },
    )


@parent_page
@limits.limit_posts("booking-form", MESSAGE_PAGE)  # it tells whether a contact is booked
def booking_start(request, pk):
    event = search.public_event(pk)
    if event is None:
        return event_not_found(request)
    source = request.POST if request.method == "POST" else request.GET
    session_id = _int(source.get("session"))
    if session_id is None and not event.is_course:
        session_id = search.only_date(event)
        if session_id is None:  # a series: the parent chooses a date on the event's page
            return redirect(reverse("public-event-detail", args=[event.pk]) + "#dates")
    session = search.booking_session(event, session_id)
    if session is None:
        return _unavailable(request, event)
    key = PENDING % event.pk
    if request.method == "POST":
        form = _booking_form(request, event, request.POST)
        form.is_valid()  # every problem in one round: the form's and the service's together
        try:
            booking = check_booking(
                form.booking(get_language()),
                event=event,
                unit=None if event.is_course else session,
            )
        except DomainError as error:
            _add_errors(form, error)
        if not form.errors:
            pending = form.pending(booking)
            pending["session"] = None if event.is_course else session.pk
            request.session[key] = pending
            return redirect("booking-check", pk=event.pk)
    else:
        pending = request.session.get(key)
        if pending and (event.is_course or pending.get("session") == session.pk):
            initial = form_data(pending) | {"consent": bool(pending.get("consent_id"))}
            initial["survey_consent"] = bool(pending.get("survey_consent_id"))
        else:
            initial = {"session": session.pk}
        form = _booking_form(request, event, initial=initial)
    return _render_form(request, event, session, form)


@parent_page
@limits.limit_posts("booking", MESSAGE_PAGE)
def booking_check(request, pk):
    key = PENDING % pk
    pending = request.session.get(key)
    if pending and request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, pk, key, pending)
    event = search.public_event(pk)
    if event is None:
        return event_not_found(request)
    if not pending:
        token = request.session.get(BOOKED, {}).get(str(event.pk))
        if token:
            return redirect("booking-manage", token=token)
        return redirect("booking-start", pk=event.pk)
    session = search.booking_session(event, pending.get("session"))
    if session is None:
        return _unavailable(request, event)
    consents = {
        purpose: search.consent_by_id(pending.get(f"{field}_id"), purpose)
        for purpose, field in (
            (ConsentText.Purpose.BOOKING, "consent"),
            (ConsentText.Purpose.SURVEY, "survey_consent"),
        )
    }
    return render(
        request,
        "events/public/booking_check.html",
        {
            "event": event,
            "session": session,
            "dates": search.unit_dates(event, session),
            "answers": pending,
            "consent": consents[ConsentText.Purpose.BOOKING],
            "survey_consent": consents[ConsentText.Purpose.SURVEY],
            "change_url": reverse("booking-start", args=[event.pk])
            + ("" if event.is_course else f"?session={session.pk}"),
        },
    )


def _confirm(request, pk, key, pending):
    """The last step, the one a rush of parents takes at the same moment: nothing is read
    beforehand that ``book`` decides anyway (whether the event is still shown and the date can
    still be booked, under the event's row lock; the answers waiting in the session were
    given on the event's page), nothing is rendered on success (a redirect to the booking's
    page). The event is read only to explain a refusal."""
    booking = Booking(
        **{name: pending.get(name) for name in BOOKING_FIELDS}, language=get_language()
    )
    contact = booking.email or phone_digits(booking.phone)
    wait = limits.hit("booking-contact", contact.strip().lower())
    if wait:
        return limits.too_many(request, wait, MESSAGE_PAGE)
    try:
        registration, token = book(
            event_id=pk,
            session_id=pending.get("session"),
            booking=booking,
            submission_key=pending.get("submission", ""),
        )
    except DomainError as error:
        event = search.public_event(pk)
        if event is None:  # no longer shown to parents
            return event_not_found(request)
        if set(error.errors) <= UNIT_ERRORS:
            return _unavailable(request, event, error)
        session = search.booking_session(event, pending.get("session"))
        if session is None:
            return _unavailable(request, event)
        form = _booking_form(request, event, form_data(pending))
        form.is_valid()
        _add_errors(form, error)
        return _render_form(request, event, session, form)
    del request.session[key]
    request.session[BOOKED] = request.session.get(BOOKED, {}) | {str(pk): token}
    request.session[JUST_BOOKED] = registration.pk
    return redirect("booking-manage", token=token)


BOOKING_FIELDS = (
    "first_name",
    "email",
    "phone",
    "child_ages",
    "language_needs",
    "consent_id",
    "survey_consent_id",
)


# The parent's booking


@parent_page
@never_cache
@limits.limit_posts("cancel", MESSAGE_PAGE)
def booking_manage(request, token):
    try:
        registration = registration_for_token(token)
    except NotFound as error:
        return message_page(
            request,
            _("This link does not work"),
            " ".join(error.messages()),
            status=404,
            alert="danger",
        )
    problem = None
    if request.method == "POST" and "cancel" in request.POST:
        try:
            cancel_booking(token=token)
        except NotFound:
            return redirect("booking-manage", token=token)
        except DomainError as error:
            problem = " ".join(error.messages())
        else:
            request.session[JUST_CANCELLED] = registration.pk
            return redirect("booking-manage", token=token)
    event = search.mark_content_language(registration.event)
    overview = search.booking_overview(registration)
    return render(
        request,
        "events/public/booking_manage.html",
        {
            "registration": registration,
            "event": event,
            "centre": event.family_centre,
            "problem": problem,
            "just_booked": request.session.pop(JUST_BOOKED, None) == registration.pk,
            "just_cancelled": request.session.pop(JUST_CANCELLED, None) == registration.pk,
            "ask_cancel": request.GET.get("absagen") == "1" and overview["can_cancel"],
            "link": request.build_absolute_uri(reverse("booking-manage", args=[token])),
            "token": token,
            "status": Registration.Status,
            **overview,
        },
        status=409 if problem else 200,
    )


# Language and Leichte Sprache


@public
def choose_language(request, code):
    """The parents' language links: a plain link (no form) keeps the parent pages free of
    CSRF tokens, so that they can be shared from the cache."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("public-event-list")
    response = redirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@parent_page
def easy_read(request):
    return render(request, "events/public/easy_read.html")
