"""The read replica (DATABASE_REPLICA_URL): what the router sends where. In the tests the alias
"replica" is a second connection to the test database (tests/settings.py); each connection's
queries are recorded, so that a write, a row lock or a read inside a transaction on the replica
would show. Capacity decisions (booking, the waiting list, cancelling, the training assignment)
never reach it; the pages that opted in read from it, and show what the primary shows."""

import os
import re
import subprocess
import sys
from contextlib import ExitStack, contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from neuewege.core.access import access_for
from neuewege.core.models import Region
from neuewege.core.replica import REPLICA, ReplicaRouter, replica_reads
from neuewege.events.models import ParentEvent, Registration
from neuewege.events.services.booking import book, cancel_booking, cancel_token
from neuewege.trainings.models import TrainingRegistration
from neuewege.trainings.services import assignment
from tests.evaluation.test_results import build_results_world
from tests.events.test_public_pages import book_through_pages
from tests.factories import make_event, make_registrant, make_training
from tests.navigator.conftest import make_offer

both_databases = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture
def routed(settings):
    """The router installed, as settings.py does when DATABASE_REPLICA_URL is set."""
    settings.DATABASE_ROUTERS = ["neuewege.core.replica.ReplicaRouter"]
    yield
    connections[REPLICA].close()


@contextmanager
def queries_by_alias():
    """{alias: [(sql, whether the primary was inside a transaction), …]} of what runs inside."""
    seen = {DEFAULT_DB_ALIAS: [], REPLICA: []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            seen[alias].append((sql, connections[DEFAULT_DB_ALIAS].in_atomic_block))
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in seen:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield seen


def assert_no_write_and_no_capacity_read(queries):
    for sql, in_transaction in queries:
        assert sql.lstrip("( \n").upper().startswith("SELECT"), sql  # no write (a union: "(SELECT")
        assert "FOR UPDATE" not in sql.upper(), sql  # no row lock
        assert not in_transaction, sql  # nothing decided inside a transaction


# The router's rules


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request runs
def test_reads_go_to_the_replica_only_inside_replica_reads_and_writes_never():
    router = ReplicaRouter()
    assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Region) == REPLICA
        assert router.db_for_write(Region) == DEFAULT_DB_ALIAS
        # sessions are read late and written back: always the primary's
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
        # inside a transaction (where capacity is decided) every read is the primary's
        with transaction.atomic():
            assert router.db_for_read(Registration) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "events")
    assert not router.allow_migrate(REPLICA, "events")


# Capacity decisions


@both_databases
def test_booking_waitlist_cancelling_and_assigning_send_nothing_to_the_replica(
    routed, reference_data, client, family_centre, coordinator, django_capture_on_commit_callbacks
):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    training = make_training(family_centre.region, sessions=2, min_size=2, max_size=4)
    for _ in range(4):
        make_registrant(training, family_centre)

    with queries_by_alias() as seen:
        book_through_pages(client, event, session, email="first@example.org")
        book_through_pages(client, event, session, email="second@example.org")
        first, second = Registration.objects.filter(event=event).order_by("pk")
        assert (first.status, second.status) == ("confirmed", "waitlisted")
        manage = reverse("booking-manage", args=[cancel_token(first)])
        assert client.post(manage, {"cancel": "1"}).status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            assignment.start_assignment(
                access=access_for(coordinator), training=training, time_limit_seconds=3
            )

    second.refresh_from_db()
    assert second.status == "confirmed"  # moved up from the waiting list
    assert TrainingRegistration.objects.filter(training=training, session=None).count() == 0
    assert seen[DEFAULT_DB_ALIAS]
    assert seen[REPLICA] == []


@both_databases
def test_capacity_is_decided_on_the_primary_even_from_a_page_that_reads_the_replica(
    routed, reference_data, family_centre, booking_for
):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    with queries_by_alias() as seen, replica_reads():
        assert ParentEvent.objects.filter(pk=event.pk).exists()  # this read: the replica's
        first, token = book(
            event_id=event.pk, session_id=session.pk, booking=booking_for(email="a@example.org")
        )
        second, _token = book(
            event_id=event.pk, session_id=session.pk, booking=booking_for(email="b@example.org")
        )
        cancel_booking(token=token)
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "confirmed")
    assert seen[REPLICA]
    assert_no_write_and_no_capacity_read(seen[REPLICA])
    locks = [sql for sql, _in_transaction in seen[DEFAULT_DB_ALIAS] if "FOR UPDATE" in sql]
    assert locks or connections[DEFAULT_DB_ALIAS].vendor == "sqlite"  # SQLite locks the file


# Pages that read the replica


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@both_databases
def test_lag_tolerant_pages_read_the_replica_and_show_what_the_primary_shows(
    routed, settings, reference_data, client, wesel, borken, family_centre, state_user
):
    build_results_world(wesel, borken, family_centre)
    family_centre.latitude, family_centre.longitude = "51.6583", "6.6178"
    family_centre.save()
    make_event(family_centre, title="Elterncafé am Markt")
    make_offer(wesel, "Schuldnerberatung Wesel")
    pages = [
        reverse("public-event-list") + "?plz=46483&radius=20",
        reverse("public-offer-search") + "?bedarf=debt&plz=46483",
        reverse("results-region", args=[wesel.key]) + "?period=2026-Q1",
        reverse("results-state") + "?period=2026-Q1",
        reverse("region-dashboard", args=[wesel.key]),
        reverse("state-overview"),
    ]
    client.force_login(state_user)
    # Django asks SQLite once per connection whether it has JSON (in a transaction of its own):
    # asked before, so that only the pages' queries are watched
    connections[REPLICA].features.supports_json_field  # noqa: B018

    def render(url):
        cache.clear()  # the page and its figures computed again
        with queries_by_alias() as seen:
            response = client.get(url)
        assert response.status_code == 200, url
        return CSRF.sub("", response.content.decode()), seen

    for url in pages:
        on_replica, seen = render(url)
        assert seen[REPLICA], url
        assert_no_write_and_no_capacity_read(seen[REPLICA])
        assert not any("django_session" in sql for sql, _ in seen[REPLICA])
        settings.DATABASE_ROUTERS = []
        on_primary, seen = render(url)
        settings.DATABASE_ROUTERS = ["neuewege.core.replica.ReplicaRouter"]
        assert seen[REPLICA] == []
        assert on_replica == on_primary, url
    assert "Elterncafé am Markt" in render(pages[0])[0]
    assert "Schuldnerberatung Wesel" in render(pages[1])[0]
    assert all('id="chart-trend_events"' in render(url)[0] for url in pages[2:4])  # figures


# The setting


def settings_of(**environment):
    """The databases and routers a fresh process reads from ``environment``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS)",
        ],
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "neuewege.settings"} | environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_a_replica_url_every_query_goes_to_the_one_database():
    result = settings_of(DATABASE_REPLICA_URL="")
    assert result.stdout.strip() == "['default'] []"


def test_a_replica_url_adds_the_alias_and_the_router():
    result = settings_of(DATABASE_REPLICA_URL="postgresql://reader@replica.internal:5432/neuewege")
    assert result.stdout.strip() == (
        "['default', 'replica'] ['neuewege.core.replica.ReplicaRouter']"
    )


def test_a_replica_that_is_not_postgresql_stops_the_start_with_a_clear_message():
    result = settings_of(DATABASE_REPLICA_URL="sqlite:////tmp/copy.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must name a PostgreSQL replica" in result.stderr
