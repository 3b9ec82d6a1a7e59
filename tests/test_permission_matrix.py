"""Every URL pattern and every API route, walked with every role.

Region A is Kreis Wesel, region B Kreis Borken. Outsiders (accounts of region B, anonymous)
must get 302-to-login, 403 or 404 on region A's pages and must never see region A's data.
Who may open a page is read from the table of permissions through the permission the view
declares; a view without one (or a new API route without an entry in ``API``, a new file without
one in the exporters' lists) fails this test: decide who may open it, then declare it.
"""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from neuewege.api.api import api
from neuewege.core import services
from neuewege.core.access import PERMISSIONS, declared_permission
from neuewege.core.exporters import EXPORTERS
from neuewege.core.models import (
    ExportFile,
    ImportBatch,
    Institution,
    Person,
    PersonalDataLog,
    User,
)
from tests.agreements.matrix import (
    AGREEMENTS_API,
    AGREEMENTS_API_BODIES,
    AGREEMENTS_API_UNCHECKED_BODIES,
    AGREEMENTS_WRITE_PAGES,
    add_agreements_world,
    agreements_records,
    agreements_write_body,
)
from tests.cooperation.matrix import (
    COOPERATION_ALSO,
    COOPERATION_API,
    COOPERATION_API_BODIES,
    add_cooperation_world,
    cooperation_records,
)
from tests.coverage.matrix import (
    COVERAGE_API,
    COVERAGE_API_BODIES,
    add_coverage_world,
    coverage_records,
)
from tests.evaluation.matrix import EVALUATION_API, add_evaluation_world
from tests.events.matrix import EVENT_API, add_event_world
from tests.factories import InstitutionFactory, PersonFactory, UserFactory
from tests.matrix_roles import BACKGROUND, OWNER, READ_A, Writers, roles_granted
from tests.navigator.matrix import (
    NAVIGATOR_API,
    NAVIGATOR_API_BODIES,
    PAGE_ROLES,
    add_navigator_world,
    navigator_records,
)
from tests.trainings.matrix import (
    TRAINING_API,
    TRAINING_API_BODIES,
    add_training_world,
    training_records,
)

SECRET_A = "Sentinel-A-Familienzentrum"
SECRET_PERSON_A = "Sentinelperson-A"

ROLES = ["anonymous", "staff_a", "viewer_a", "coordinator_a", "staff_b", "coordinator_b", "state"]


# Who may open a page — and download a file — is read from the table of permissions
# (core.access.PERMISSIONS) through the permission the view or its exporter declares
# (tests/matrix_roles.py: roles_granted); a page that declares none fails. The one exception: a
# long export's file and its page belong to the account that asked for it (404 for everyone
# else), whatever the table says; and pages whose record narrows the table further (PAGE_ROLES).
OWN_FILES = {
    "export-file": {"coordinator_a", OWNER},
    "export-file-download": {"coordinator_a", OWNER},
} | PAGE_ROLES
WALKED_EXPORTER = "state-overview"  # the one download path, walked with the state's overview
ALSO = COOPERATION_ALSO
SKIPPED_NAMESPACES = {"admin", "api"}  # admin: superusers only (Django); api: walked below


@pytest.fixture
def world(db, wesel, borken):
    return build_world(wesel, borken)


def build_world(wesel, borken):
    """Region A's records for every URL pattern, the matrix's accounts and the arguments of each
    address (``url_for``) — also walked in the browser (tests/browser/test_staff_pages.py)."""
    centre_a = InstitutionFactory(region=wesel, name=SECRET_A)
    person_a = PersonFactory(institution=centre_a, last_name=SECRET_PERSON_A)
    centre_b = InstitutionFactory(
        region=borken, name="Familienzentrum B", postcode="46325", town="Borken"
    )
    person_b = PersonFactory(institution=centre_b)
    users = {
        "staff_a": UserFactory(role=User.Role.STAFF, person=person_a, signs_agreements=True),
        "viewer_a": UserFactory(role=User.Role.VIEWER, regions=[wesel]),
        "coordinator_a": UserFactory(role=User.Role.COORDINATOR, regions=[wesel]),
        "staff_b": UserFactory(role=User.Role.STAFF, person=person_b),
        "coordinator_b": UserFactory(role=User.Role.COORDINATOR, regions=[borken]),
        "state": UserFactory(role=User.Role.STATE),
    }
    export_file = ExportFile.objects.create(
        owner=users["coordinator_a"],
        exporter="results-region",
        fmt="csv",
        work_state=ExportFile.State.DONE,
        filename="neue-wege-ergebnisse.csv",
        content_type="text/csv",
        content=b"Zahl;1",
    )
    batch = ImportBatch.objects.create(
        region=wesel,
        kind="institutions",
        filename="a.csv",
        content=b"x",
        uploaded_by=users["coordinator_a"],
    )
    world = {
        "users": users,
        "kwargs": {
            "region_key": wesel.key,
            "pk": centre_a.pk,
            "kind": "institutions",
            "code": "tr",
            "uidb64": "MQ",
            "token": "invalid-token",
            "name": "state-overview",
        },
        "pk_for": {
            "person-detail": person_a.pk,
            "person-update": person_a.pk,
            "person-delete": person_a.pk,
            "account-update": users["viewer_a"].pk,
            "account-second-factor-reset": users["viewer_a"].pk,
            "import-preview": batch.pk,
            "export-file": export_file.pk,
            "export-file-download": export_file.pk,
        },
        "api_ids": {
            # the API's route of every exporter, walked with a table of region A's results
            # (its parameters in the query string; the POST's in the body, API_BODIES)
            "{name}": "results-region",
            "{fmt}": f"csv?region_key={wesel.key}&table=summary",
            "{file_id}": str(export_file.pk),
        },
        "kwargs_for": {  # per URL name: keyword arguments that differ from "kwargs"
            "export": {"name": WALKED_EXPORTER, "fmt": "xlsx"},
        },
    }
    add_event_world(world, centre_a=centre_a, person_a=person_a, centre_b=centre_b)
    add_cooperation_world(world, region=wesel, person_a=person_a, secret=SECRET_A)
    add_evaluation_world(world, region=wesel, centre_a=centre_a, centre_b=centre_b, secret=SECRET_A)
    add_training_world(world, region=wesel, centre_a=centre_a, person_a=person_a, secret=SECRET_A)
    add_coverage_world(world, region=wesel, centre_a=centre_a, secret=SECRET_A)
    add_agreements_world(world, region=wesel, centre_a=centre_a, secret=SECRET_A)
    add_navigator_world(
        world,
        region=wesel,
        centre_a=centre_a,
        secret=SECRET_A,
        coordinator=users["coordinator_a"],
    )
    return world


def named_patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner in SKIPPED_NAMESPACES:
                continue
            yield from named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def url_for(pattern, world):
    from django.urls import reverse

    params = list(pattern.pattern.converters)
    kwargs = {name: world["kwargs"][name] for name in params}
    if "pk" in kwargs:
        kwargs["pk"] = world["pk_for"].get(pattern.name, kwargs["pk"])
    kwargs.update(world["kwargs_for"].get(pattern.name, {}))
    return reverse(pattern.name, kwargs=kwargs)


def client_for(client, role, world):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def expected_statuses(allowed, role):
    if "public" in allowed:
        return {200, 302, 405}
    if role == "anonymous":
        return {302}
    if "sign_in_step" in allowed:
        return {200, 302}
    if OWNER in allowed:  # what one account made for itself: for all others, nothing
        return {200} if role in allowed else {404}
    if "signed_in" in allowed or role in allowed:
        return {302} if BACKGROUND in allowed else {200}  # long work: to its page
    if "no_region" in allowed:  # pages of no region (the format catalogue): 403 for the others
        return {403}
    return {404} if role.endswith("_b") else {403}


def allowed_roles(pattern) -> set[str]:
    if pattern.name in OWN_FILES:
        return OWN_FILES[pattern.name]
    exporter = getattr(pattern.callback, "exporter", None)
    if exporter is not None:
        declared = EXPORTERS[WALKED_EXPORTER if exporter == "<name>" else exporter]
        granted = roles_granted(declared.permission, pattern.name)
        return granted | {BACKGROUND} if declared.background else granted  # long: to its page
    permission = declared_permission(pattern.callback)
    assert permission is not None, f"{pattern.name}: the view declares no permission"
    return roles_granted(permission, pattern.name) | ALSO.get(pattern.name, set())


def test_every_page_declares_a_permission_of_the_table():
    for pattern in named_patterns():
        exporter = getattr(pattern.callback, "exporter", None)
        if exporter is not None:
            assert exporter in EXPORTERS or exporter == "<name>", pattern.name
        else:
            assert declared_permission(pattern.callback) in PERMISSIONS, pattern.name


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_each_role_as_the_policy_says(client, world, role):
    client = client_for(client, role, world)
    for pattern in named_patterns():
        url = url_for(pattern, world)
        response = client.get(url)
        allowed = allowed_roles(pattern)
        assert response.status_code in expected_statuses(allowed, role), (url, role)
        if role == "anonymous" and "public" not in allowed:
            assert response["Location"].startswith("/login/"), url
        if role.endswith("_b") or role == "anonymous":
            body = response.content.decode(errors="replace")
            assert SECRET_A not in body and SECRET_PERSON_A not in body, (url, role)


WRITE_PAGES = [
    "institution-create",
    "institution-update",
    "person-create",
    "person-update",
    "account-invite",
    "account-update",
    "account-second-factor-reset",
    "region-second-factor",
    "import-upload",
    "import-preview",
]


@pytest.mark.parametrize("role", ["anonymous", "viewer_a", "staff_b", "coordinator_b", "state"])
def test_outsiders_cannot_write_in_region_a(client, world, role):
    client = client_for(client, role, world)
    before = (
        Institution.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        ImportBatch.objects.filter(applied_at__isnull=False).count(),
    )
    patterns = {p.name: p for p in named_patterns()}
    for name in WRITE_PAGES:
        url = url_for(patterns[name], world)
        data = {
            "name": "Eingeschleust",
            "kind": "family_centre",
            "postcode": "46483",
            "town": "Wesel",
            "first_name": "X",
            "last_name": "Y",
            "function": "other",
            "email": "intruder@example.org",
            "role": "coordinator",
        }
        response = client.post(url, data)
        assert response.status_code in {302, 403, 404}, (url, role, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), (url, role)
    after = (
        Institution.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        ImportBatch.objects.filter(applied_at__isnull=False).count(),
    )
    assert before == after
    assert not Institution.objects.filter(name="Eingeschleust").exists()


def test_every_agreements_page_that_takes_a_post_is_walked_by_writers():
    for pattern in named_patterns():
        view = getattr(pattern.callback, "view_class", None)
        if view and view.__module__.startswith("neuewege.agreements") and hasattr(view, "post"):
            assert pattern.name in AGREEMENTS_WRITE_PAGES, pattern.name


def test_agreement_pages_refuse_writes_of_every_other_role(client, world):
    """Each role posts a valid body to every agreements page it may not write on: the login
    page, 403 or 404 (a reader of region A on the signing page: back to the agreement), and
    nothing changes. One world for all roles: a refused write leaves it as it was."""
    from django.urls import reverse

    patterns = {p.name: p for p in named_patterns()}
    detail = reverse("agreement-detail", args=[world["pk_for"]["agreement-detail"]])
    before = agreements_records()
    for role in ROLES:
        client.logout()
        client_for(client, role, world)
        for name, writers in AGREEMENTS_WRITE_PAGES.items():
            if role in (writers if writers is not None else allowed_roles(patterns[name])):
                continue
            url = url_for(patterns[name], world)
            response = client.post(url, agreements_write_body(name, world))
            assert response.status_code in {302, 403, 404}, (url, role, response.status_code)
            if response.status_code == 302:
                back = name == "agreement-sign" and role in READ_A
                location = response["Location"]
                assert location == detail if back else location.startswith("/login/"), (
                    url,
                    role,
                    location,
                )
            assert agreements_records() == before, (url, role)


# API

API_READ_A = {"staff_a", "viewer_a", "coordinator_a", "state"}


def api_operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


def api_url(path, world, wesel_key):
    ids = {
        "{key}": wesel_key,
        "{institution_id}": str(world["kwargs"]["pk"]),
        "{person_id}": str(world["pk_for"]["person-detail"]),
    } | world.get("api_ids", {})
    for placeholder, value in ids.items():
        path = path.replace(placeholder, value)
    assert "{" not in path, f"new path parameter in {path}: add it to api_url"
    return path


CORE_API = {
    ("GET", "/api/v1/regions"): "list",
    ("GET", "/api/v1/regions/{key}"): API_READ_A,
    ("GET", "/api/v1/institutions"): "list",
    ("GET", "/api/v1/institutions/{institution_id}"): API_READ_A,
    ("POST", "/api/v1/institutions"): "write",
    ("PATCH", "/api/v1/institutions/{institution_id}"): "write",
    ("GET", "/api/v1/people"): "list",
    ("GET", "/api/v1/people/{person_id}"): API_READ_A,
    ("POST", "/api/v1/people"): "write",
    ("PATCH", "/api/v1/people/{person_id}"): "write",
    ("GET", "/api/v1/exports/{name}.{fmt}"): API_READ_A,
    ("POST", "/api/v1/exports/{name}.{fmt}"): API_READ_A,
    ("GET", "/api/v1/exports/files/{file_id}"): {"coordinator_a"},  # its owner's only
    ("GET", "/api/v1/exports/files/{file_id}/file"): {"coordinator_a"},
}
API = (
    CORE_API
    | EVENT_API
    | COOPERATION_API
    | EVALUATION_API
    | TRAINING_API
    | COVERAGE_API
    | AGREEMENTS_API
    | NAVIGATOR_API
)
# Write routes whose rules need a body of their own (the default body below fits core's).
API_BODIES = (
    COOPERATION_API_BODIES
    | TRAINING_API_BODIES
    | COVERAGE_API_BODIES
    | AGREEMENTS_API_BODIES
    | NAVIGATOR_API_BODIES
    | {
        ("POST", "/api/v1/exports/{name}.{fmt}"): {
            "params": {"region_key": "05170", "table": "summary"}
        },
    }
)


def test_every_api_route_is_in_the_matrix():
    assert set(api_operations()) - set(API) == set(), "new API route: add it to API"


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_each_role_as_the_policy_says(client, world, wesel, role):
    headers = {}
    if role != "anonymous":
        _token, secret = services.create_api_token(user=world["users"][role], name="matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    outsider = role.endswith("_b") or role == "anonymous"
    records_before = cooperation_records()
    trainings_before = training_records()
    coverage_before = coverage_records()
    agreements_before = agreements_records()
    navigator_before = navigator_records()
    for (method, path), rule in API.items():
        url = api_url(path, world, wesel.key)
        if method == "GET":
            response = client.get(url, **headers)
        else:
            body = {
                "region": wesel.key,
                "name": "Eingeschleust",
                "kind": "family_centre",
                "postcode": "46483",
                "town": "Wesel",
                "institution_id": world["kwargs"]["pk"],
                "first_name": "X",
                "last_name": "Y",
                "function": "other",
            }
            body = API_BODIES.get(
                (method, path), AGREEMENTS_API_UNCHECKED_BODIES.get((method, path), body)
            )
            text = json.dumps(body)
            for placeholder, value in world.get("api_ids", {}).items():
                text = text.replace(f'"{placeholder}"', value)  # a record's id in the body
            response = client.generic(method, url, text, content_type="application/json", **headers)
        status = response.status_code
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        if rule == "public":
            assert status == 200, (method, url, role)
        elif role == "anonymous":
            assert status == 401, (method, url)
        elif rule == "list":
            assert status == 200, (method, url, role)
        elif isinstance(rule, Writers):
            if role not in rule:
                assert 400 <= status < 500, (method, url, role, status)
            elif (method, path) in API_BODIES:
                assert status in {200, 201, 202}, (method, url, role, status)  # the body is valid
        elif rule == "write":
            if outsider or role in {"viewer_a", "state"}:
                assert 400 <= status < 500, (method, url, role, status)
            elif role == "coordinator_a" and (method, path) in API_BODIES:
                assert status in {200, 201}, (method, url, role, status)  # the body is valid
        else:
            refused = 403 if "no_region" in rule else 404  # "no_region": not of a region
            assert status == (200 if role in rule else refused), (method, url, role, status)
        if outsider:
            assert SECRET_A not in text and SECRET_PERSON_A not in text, (method, url, role)
    if outsider or role in {"viewer_a", "state"}:
        assert not Institution.objects.filter(name="Eingeschleust").exists()
        assert not Person.objects.filter(first_name="X", last_name="Y").exists()
        assert cooperation_records() == records_before
    if role not in {"coordinator_a", "state"}:
        assert training_records() == trainings_before
    if role not in {"coordinator_a", "state", "staff_a"}:
        assert coverage_records() == coverage_before
    if role not in {"coordinator_a", "staff_a"}:
        assert agreements_records() == agreements_before
        assert navigator_records() == navigator_before


PARENT_DETAILS = re.compile(r"\bMatrix\b|0170 7654321|0170 1234567")  # the world's parents


@pytest.mark.parametrize("role", ["coordinator_a", "staff_a"])
def test_every_staff_page_that_shows_a_parent_logs_the_reading(client, world, role):
    """A parent's first name or phone number on a staff page is a read of personal data: the
    page writes the access log (who, when, which record, why) — every page, not only most."""
    client = client_for(client, role, world)
    for pattern in named_patterns():
        if "public" in allowed_roles(pattern):
            continue
        url = url_for(pattern, world)
        before = PersonalDataLog.objects.count()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code == 200 and PARENT_DETAILS.search(body.decode(errors="replace")):
            assert PersonalDataLog.objects.count() > before, (url, role)


def test_every_api_route_that_returns_a_parent_logs_the_reading(client, world, wesel):
    _token, secret = services.create_api_token(user=world["users"]["coordinator_a"], name="log")
    for (method, path), _rule in API.items():
        if method != "GET":
            continue
        url = api_url(path, world, wesel.key)
        before = PersonalDataLog.objects.count()
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code == 200 and PARENT_DETAILS.search(body.decode(errors="replace")):
            assert PersonalDataLog.objects.count() > before, url
