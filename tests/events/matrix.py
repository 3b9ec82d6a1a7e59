"""The events app's part of the permission matrix (tests/test_permission_matrix.py): the records
of region A its URLs point at and who may use its API routes (who may open its pages and download
its files is read from the table of permissions). Calendar files and the parents' pages point at
region B's records: they name the family centre, which an outsider must never see of region A;
the staff pages point at a series of family centre A with a booking and a message to pass on by
phone (add_staff_pages_world)."""

from tests.matrix_roles import PLAN_A, READ_A

# (method, path) → "public" (everyone, no token), "list" (every account gets 200, filtered),
# "write" (outsiders get 4xx and change nothing) or the set of roles that get 200.
EVENT_API = {}

# The events API (events/api.py); {event_id} is a draft of region A.
EVENT_API |= {
    ("GET", "/api/v1/events"): "list",
    ("POST", "/api/v1/events"): "write",
    ("GET", "/api/v1/events/{event_id}"): READ_A,
    ("POST", "/api/v1/events/{event_id}/publish"): "write",
    ("GET", "/api/v1/events/{event_id}/registrations"): PLAN_A,
    ("POST", "/api/v1/events/{event_id}/registrations"): "write",
    ("GET", "/api/v1/public/events"): "public",
}


def add_event_world(world, *, centre_a, person_a, centre_b):
    """Create region A's (and B's) event records and point the URL parameters at them:
    ``world["pk_for"][url_name] = pk`` or ``world["kwargs_for"][url_name] = {...}``; API path
    placeholders in ``world["api_ids"]``, e.g. ``{"{event_id}": "12"}``."""
    world.setdefault("api_ids", {})
    add_calendar_and_api_world(world, centre_a=centre_a, centre_b=centre_b)
    add_parent_pages_world(world, centre=centre_b)
    add_staff_pages_world(world, centre=centre_a)


def add_calendar_and_api_world(world, *, centre_a, centre_b):
    from neuewege.core.access import access_for
    from neuewege.events.calendars import create_feed
    from tests.factories import make_event

    public_b = make_event(centre_b, title="Elterncafé B")
    world["pk_for"]["public-event-ics"] = public_b.pk
    world["pk_for"]["public-session-ics"] = public_b.sessions.get().pk
    _feed, secret = create_feed(
        access=access_for(world["users"]["coordinator_b"]), institution=centre_b
    )
    world["kwargs_for"]["calendar-feed"] = {"token": secret}
    draft_a = make_event(centre_a, status="draft", title="Entwurf A")
    world["api_ids"]["{event_id}"] = str(draft_a.pk)


def add_parent_pages_world(world, *, centre):
    """A published event with one booking; the parents' pages point at them."""
    from neuewege.events.models import ConsentText
    from neuewege.events.services.booking import Booking, book
    from tests.factories import make_event

    event = make_event(centre, title="Elterncafé für alle")
    consent = ConsentText.objects.filter(purpose="booking").order_by("-version").first()
    _registration, token = book(
        event_id=event.pk,
        session_id=event.sessions.get().pk,
        booking=Booking(first_name="Matrix", phone="0170 1234567", consent_id=consent.pk),
    )
    for name in ("public-event-detail", "booking-start", "booking-check"):
        world["pk_for"][name] = event.pk
    world["kwargs_for"]["booking-manage"] = {"token": token}


def add_staff_pages_world(world, *, centre):
    """A series of region A's family centre with a registration of a parent without e-mail who
    moved up (a message to pass on by phone); the staff pages point at them. A draft: the pages
    for parents must not show region A's centre to outsiders."""
    from django.utils import timezone

    from neuewege.events.models import ConsentText, Format, Notification, Registration
    from tests.factories import make_event

    event = make_event(centre, dates=2, status="draft", title="Elterncafé A")
    session = event.sessions.order_by("starts_at").first()
    registration = Registration.objects.create(
        event=event,
        session=session,
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.STAFF,
        first_name="Matrix",
        phone="0170 7654321",
        language="de",
        consent=ConsentText.objects.filter(purpose="booking").order_by("-version").first(),
        consented_at=timezone.now(),
    )
    notification = Notification.objects.create(
        registration=registration, kind=Notification.Kind.MOVED_UP
    )
    for name in (
        "event-detail",
        "event-update",
        "event-publish",
        "event-cancel",
        "event-close",
        "event-registrations",
        "registration-create",
        "event-print",
    ):
        world["pk_for"][name] = event.pk
    world["kwargs"].setdefault("fmt", "csv")
    world["kwargs_for"]["event-export"] = {"pk": event.pk, "fmt": "csv"}
    world["pk_for"]["session-cancel"] = session.pk
    world["pk_for"]["session-attendance"] = session.pk
    world["pk_for"]["registration-remove"] = registration.pk
    world["pk_for"]["notification-called"] = notification.pk
    world["pk_for"]["format-update"] = Format.objects.get(code="parent_cafe").pk
