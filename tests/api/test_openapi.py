"""The API's description and its docs page."""

import collections
import json
import re
from enum import Enum
from typing import get_args

import jsonschema_rs
import pytest
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db.models import CharField, TextField
from ninja.constants import NOT_SET
from ninja.schema import NinjaGenerateJsonSchema as PlainNinjaGenerateJsonSchema
from pydantic import BaseModel

from neuewege.agreements.models import Agreement, AgreementVersion, Clause
from neuewege.api.api import api
from neuewege.cooperation.models import (
    Material,
    MaterialVersion,
    Meeting,
    RegionalGoal,
    RegionCheck,
    Task,
)
from neuewege.core.documents import CONTENT_TYPES
from neuewege.core.models import ExportFile, Institution, Person, Region, User
from neuewege.core.services import create_api_token
from neuewege.coverage.models import CentreRequest, PlanRun, SpeakerCapacity
from neuewege.evaluation.disclosure import PATTERN as PERIOD_PATTERN
from neuewege.events.models import ParentEvent, Registration
from neuewege.navigator.models import Offer
from neuewege.trainings.models import AssignmentRun, Training
from tests.factories import UserFactory, make_training
from tests.navigator.conftest import make_offer


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_openapi_document_is_public_and_describes_the_routes(schema):
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Neue Wege API"
    paths = schema["paths"]
    for path in ["/regions", "/institutions", "/people"]:
        assert "get" in paths["/api/v1" + path], path
    assert {"get", "patch"} <= set(paths["/api/v1/institutions/{institution_id}"])
    assert "post" in paths["/api/v1/institutions"] and "post" in paths["/api/v1/people"]


PUBLIC = ("/api/v1/public/", "/api/v1/hsds/")  # the public feed, the HSDS API profile


def test_the_openapi_document_declares_bearer_auth_on_every_operation_but_the_public_ones(
    schema,
):
    schemes = schema["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"]
    assert bearer and schemes[bearer[0]]["type"] == "http"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith(PUBLIC):
                assert "security" not in operation, (method, path)
            else:
                assert {bearer[0]: []} in operation["security"], (method, path)


def test_the_openapi_document_declares_the_problem_shape_and_limits(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert problem["required"] == ["detail", "errors"]
    assert set(problem["properties"]["errors"]["items"]["properties"]) == {"field", "message"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            problems = {int(status) for status in responses if int(status) >= 400}
            if operation.get("parameters") or "requestBody" in operation:
                assert 422 in problems, (method, path)
            if path.startswith(PUBLIC):
                assert problems <= {404, 422}, (method, path)
            else:
                assert {401, 403} <= problems, (method, path)
            if "{" in path:
                assert 404 in problems, (method, path)
            if "requestBody" in operation:
                assert 400 in problems, (method, path)
            for status in problems:
                content = responses[str(status)]["content"]
                assert content == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (method, path, status)
    assert "409" in schema["paths"]["/api/v1/events"]["post"]["responses"]
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/v1/institutions"]["get"]["parameters"]
    }
    assert parameters["page_size"]["maximum"] == 200
    assert {"region", "kind", "q", "page"} <= set(parameters)


def test_the_docs_page_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/api/v1/docs")


@pytest.mark.parametrize("role", [User.Role.STAFF, User.Role.COORDINATOR, User.Role.VIEWER])
def test_the_docs_page_renders_for_signed_in_users_from_local_files_only(client, role, wesel):
    client.force_login(UserFactory(role=role, regions=[wesel]))
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"cdn\.|jsdelivr|unpkg|cdnjs", html.lower())
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any("swagger-ui-bundle" in source for source in sources)
    for source in sources:
        assert source.startswith("/"), source
        assert not source.startswith("//"), source
    assert not re.search(r"https?://(?!testserver)", html)
    # the swagger settings point at our own document and switch the online validator off
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)[1])
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None


def test_the_docs_page_loads_its_assets_from_this_server(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html)
    assert len(sources) >= 4  # stylesheet, two icons, two scripts
    for source in sources:
        response = client.get(source)
        assert response.status_code == 200, source
        assert b"".join(response.streaming_content if response.streaming else [response.content])


# The document describes exactly the Python types the server validates and serialises with


def documented_operations():
    """Each route's ninja operation with its description in the document (by operation id)."""
    document = api.get_openapi_schema(path_prefix="/api/v1")
    described = {
        operation["operationId"]: operation
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                yield operation, described[api.get_openapi_operation_id(operation)], document


def resolved(schema, definitions):
    """The schema with every ``$ref`` replaced by what it names, and without titles (which
    only name things)."""
    if isinstance(schema, list):
        return [resolved(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = definitions[schema["$ref"].rsplit("/", 1)[1]]
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        return resolved({**target, **rest}, definitions)
    return {
        key: (
            {name: resolved(value, definitions) for name, value in value.items()}
            if key in ("properties", "$defs")
            else resolved(value, definitions)
        )
        for key, value in schema.items()
        if key != "title"
    }


def own_schema(model, mode, by_alias=True):
    """The JSON schema pydantic generates for the model alone: the names of its parts are
    unique within it, whatever they are called elsewhere."""
    schema = model.model_json_schema(
        ref_template="#/$defs/{model}",
        by_alias=by_alias,
        mode=mode,
        schema_generator=PlainNinjaGenerateJsonSchema,
    )
    return resolved(schema, schema.get("$defs", {}))


def flat_properties(schema):
    """Query and path parameters as ninja flattens them: a nested model gives its fields."""
    for name, value in schema["properties"].items():
        if value.get("type") == "object" and "properties" in value:
            yield from flat_properties(value)
        else:
            yield name, value


def test_every_schema_in_the_document_is_the_one_of_its_python_type():
    """Fails when two types share a component name (``Kind`` of a material, an institution and
    a meeting; ``Status`` of a task, an event and a registration): the one written last then
    stands for all of them, and a generated client refuses what the server sends."""
    checked = 0
    for operation, described, document in documented_operations():
        components = document["components"]["schemas"]
        route = described["operationId"]
        for model in operation.models:
            source = model.__ninja_param_source__
            expected = own_schema(model, "validation")
            if source == "body":
                body = described["requestBody"]["content"]["application/json"]["schema"]
                (expected_body,) = expected["properties"].values()
                assert resolved(body, components) == expected_body, route
            else:
                documented = {
                    parameter["name"]: resolved(parameter["schema"], components)
                    for parameter in described["parameters"]
                    if parameter["in"] == source
                }
                assert documented == dict(flat_properties(expected)), route
            checked += 1
        for status, model in operation.response_models.items():
            if model in (None, NOT_SET):
                continue
            content = described["responses"][status]["content"]["application/json"]
            expected = own_schema(model, "serialization", operation.by_alias)
            expected = expected["properties"]["response"]
            assert resolved(content["schema"], components) == expected, (route, status)
            checked += 1
    assert checked > 60


def python_types(annotation):
    """The models and enums an annotation names, however nested."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from python_types(field.annotation)
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        yield annotation
    else:
        for argument in get_args(annotation):
            yield from python_types(argument)


def test_every_component_stands_for_one_python_type(schema):
    """Each enum of the API has a component of its own, named after the model it belongs to,
    holding exactly the values the model accepts."""
    types = {
        found
        for operation, _described, _document in documented_operations()
        for model in [*operation.models, *operation.response_models.values()]
        if model not in (None, NOT_SET)
        for found in python_types(model)
    }
    components = schema["components"]["schemas"]
    enums = [found for found in types if issubclass(found, Enum)]
    names = {found: found.__qualname__.replace(".", "") for found in enums}
    assert len(set(names.values())) == len(enums)
    for found, name in names.items():
        assert components[name]["enum"] == [member.value for member in found], name
        assert components[name]["title"] == name
    documented = [name for name, component in components.items() if "enum" in component]
    assert sorted(documented) == sorted(names.values())
    assert components["MeetingKind"]["enum"] == Meeting.Kind.values
    assert components["ParentEventStatus"]["enum"] == ParentEvent.Status.values
    assert components["RegistrationStatus"]["enum"] == Registration.Status.values
    assert components["TaskStatus"]["enum"] == Task.Status.values
    meeting = components["MeetingOut"]["properties"]["kind"]
    assert meeting == {"$ref": "#/components/schemas/MeetingKind"}


# The document states the models' rules


def variants(schema):
    """The alternatives a property allows (``anyOf``, a single ``allOf``), resolved."""
    for key in ("anyOf", "allOf"):
        if key in schema:
            for option in schema[key]:
                yield from variants(option)
            return
    yield schema


def allowed_values(schema):
    values = set()
    for option in variants(schema):
        if "enum" in option:
            values |= set(option["enum"])
        elif "const" in option:
            values.add(option["const"])
    return values


CREATE_AND_CHANGE = [
    ("InstitutionIn", "InstitutionChangeIn", Institution),
    ("PersonIn", "PersonChangeIn", Person),
    ("TaskIn", "TaskChangeIn", Task),
    ("EventIn", None, ParentEvent),
    ("MeetingIn", None, Meeting),
    ("GoalIn", None, RegionalGoal),
    ("CheckIn", None, RegionCheck),
    ("RegistrationIn", None, Registration),
]
OUTPUTS = [
    ("RegionOut", Region),
    ("InstitutionOut", Institution),
    ("PersonOut", Person),
    ("EventOut", ParentEvent),
    ("RegistrationOut", Registration),
    ("TaskOut", Task),
    ("MeetingOut", Meeting),
    ("MaterialOut", Material),
]
TEXT_FIELDS = (CharField, TextField)  # EmailField and URLField are CharFields


def model_fields(model, properties):
    for name in properties:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.is_relation:
            yield name, field


@pytest.mark.parametrize(("create", "change", "model"), CREATE_AND_CHANGE)
def test_request_schemas_state_the_models_rules(schema, create, change, model):
    """Lengths as the model stores them, text that must say something, the choices the model
    takes, what a create must give and what a change may clear (``null``)."""
    components = schema["components"]["schemas"]
    for name in filter(None, [create, change]):
        described = resolved(components[name], components)
        properties = described["properties"]
        for field_name, field in model_fields(model, properties):
            prop = properties[field_name]
            strings = [
                option
                for option in variants(prop)
                if option.get("type") == "string" and not {"format", "enum", "const"} & set(option)
            ]
            if isinstance(field, TEXT_FIELDS) and field.max_length:
                for option in strings:
                    assert option.get("maxLength", 10**9) <= field.max_length, (name, field_name)
            if isinstance(field, TEXT_FIELDS):
                for option in strings:  # PostgreSQL stores no NUL character
                    assert not re.search(option["pattern"], "\x00"), (name, field_name)
            if field.choices:
                offered = {value for value, _label in field.choices if value != ""}
                assert allowed_values(prop) - {None} == offered, (name, field_name)
            may_be_empty = field.blank or field.null
            nullable = any(option.get("type") == "null" for option in variants(prop))
            if not may_be_empty and isinstance(field, TEXT_FIELDS) and not field.choices:
                for option in strings:  # not empty, not only spaces
                    pattern, blank = option["pattern"], option.get("not", {}).get("pattern")
                    if blank is None:  # the pattern itself says what it takes
                        assert not re.search(pattern, "") and not re.search(pattern, " \t ")
                    else:
                        assert option.get("minLength") == 1, (name, field_name)
                        assert re.search(blank, " \t\x1f\u3000"), (name, field_name)
            if name == change:
                assert nullable == may_be_empty, f"{name}.{field_name}: null clears it or not"
            elif not may_be_empty and not field.has_default():
                # given by the client, or (said so) filled in by the server
                assert (
                    field_name in described.get("required", [])
                    or "default" in prop
                    or "Default" in prop.get("description", "")
                ), (name, field_name)


@pytest.mark.parametrize(("name", "model"), OUTPUTS)
def test_response_schemas_name_the_values_the_server_sends(schema, name, model):
    components = schema["components"]["schemas"]
    properties = resolved(components[name], components)["properties"]
    checked = 0
    for field_name, field in model_fields(model, properties):
        if field.choices:
            stored = {value for value, _label in field.choices}
            if field.blank:
                stored.add("")
            assert allowed_values(properties[field_name]) == stored, (name, field_name)
            checked += 1
    assert checked, name


def test_request_schemas_state_formats_and_date_rules(schema):
    components = schema["components"]["schemas"]

    def prop(component, name):
        return resolved(components[component], components)["properties"][name]

    def formats(schema):
        return {option.get("format") for option in variants(schema)} - {None}

    assert formats(prop("InstitutionChangeIn", "email")) == {"email"}
    assert formats(prop("PersonIn", "email")) == {"email"}
    assert formats(prop("RegistrationIn", "email")) == {"email"}
    assert formats(prop("InstitutionChangeIn", "website")) == {"uri"}
    assert formats(prop("InstitutionChangeIn", "certified_until")) == {"date"}
    assert formats(prop("SessionIn", "starts_at")) == {"date-time"}
    assert formats(prop("PublicEventOut", "url")) == {"uri"}
    assert (
        "Not before certified_from" in prop("InstitutionChangeIn", "certified_until")["description"]
    )
    assert "After starts_at" in prop("SessionIn", "ends_at")["description"]
    assert "After starts_at" in prop("MeetingIn", "ends_at")["description"]
    period = prop("ResultFilters", "period")
    assert "Never a free range" in period["description"]
    assert {option.get("pattern") for option in variants(period)} >= {PERIOD_PATTERN}
    assert "not before starts_from" in prop("EventFilters", "starts_until")["description"]
    # the years the server takes, as far as JSON Schema can say it
    for option in variants(prop("TaskChangeIn", "due_on")):
        if option.get("type") == "string":
            assert option["pattern"] == "^20\\d\\d-"
    # a parent gives an e-mail address or a phone number, and agrees
    registration = components["RegistrationIn"]
    assert {tuple(option["required"]) for option in registration["anyOf"]} == {
        ("email",),
        ("phone",),
    }
    assert prop("RegistrationIn", "consent") == {
        "const": True,
        "type": "boolean",
        "description": "The parent agreed to the current text on processing their details",
    }


# The server's real answers fit what the document promises


def agreement_of(wesel) -> Agreement:
    """An agreement of Kreis Wesel with a version: the demo's, or (while the demo makes none) one
    straight in the database."""
    agreement = Agreement.objects.filter(region=wesel, versions__isnull=False).first()
    if agreement is None:
        agreement = Agreement.objects.create(
            kind="framework",
            region=wesel,
            title="Rahmenvereinbarung",
            starts_on="2090-01-01",
            ends_on="2091-12-31",
        )
        AgreementVersion.objects.create(
            agreement=agreement, number=1, snapshot={"clauses": []}, digest="0" * 64
        )
    return agreement


def hsds_values(wesel):
    """The ids of the HSDS API profile: of an offer of Kreis Wesel when the demo has one."""
    from neuewege.navigator.hsds.export import term_id
    from neuewege.navigator.models import Offer, ServiceAtLocation
    from neuewege.navigator.taxonomy import TAXONOMY_ID

    offer = Offer.objects.filter(region=wesel, status="active").first()
    place = ServiceAtLocation.objects.filter(offer=offer).first()
    unknown = "00000000-0000-4000-8000-000000000000"
    return {
        "service_id": offer.pk if offer else unknown,
        "organization_id": offer.organization_id if offer else unknown,
        "service_at_location_id": place.pk if place else unknown,
        "taxonomy_id": TAXONOMY_ID,
        "taxonomy_term_id": term_id("debt"),
    }


def path_values(wesel):
    """An existing record of Kreis Wesel (the demo data) for each path parameter."""
    agreement = agreement_of(wesel)
    event = ParentEvent.objects.filter(family_centre__region=wesel, registrations__isnull=False)
    version = MaterialVersion.objects.filter(material__region=wesel).first()
    training = Training.objects.filter(region=wesel).first() or make_training(wesel)
    run = AssignmentRun.objects.filter(training=training).first()
    plan = PlanRun.objects.filter(scenario__region=wesel, scenario__base__isnull=False).first()
    return {
        "key": wesel.key,
        "institution_id": Institution.objects.filter(region=wesel).first().pk,
        "person_id": Person.objects.filter(institution__region=wesel).first().pk,
        "event_id": event.first().pk,
        "version": RegionCheck.objects.filter(region=wesel).first().version,
        "task_id": Task.objects.filter(region=wesel).first().pk,
        "meeting_id": Meeting.objects.filter(region=wesel).first().pk,
        "material_id": version.material_id,
        "number": version.number,
        "training_id": training.pk,
        "run_id": (run or AssignmentRun.objects.create(training=training)).pk,
        "request_id": CentreRequest.objects.filter(family_centre__region=wesel).first().pk,
        "speaker_id": SpeakerCapacity.objects.filter(person__institution__region=wesel)
        .first()
        .person_id,
        "scenario_id": plan.scenario_id,
        "plan_id": plan.pk,  # a plan compared with its base (the demo computes it)
        "clause_id": Clause.objects.filter(region__isnull=True).first().pk,  # the state's
        "agreement_id": agreement.pk,
        # the navigator's demo offers, else one made here
        "offer_id": (Offer.objects.filter(region=wesel).first() or make_offer(wesel, "Café")).pk,
        "version_id": agreement.versions.first().pk,
        **hsds_values(wesel),
        "name": "state-overview",  # the state level's: 202, made in the background
        "fmt": "xlsx",
        "file_id": ExportFile.objects.create(  # made for the state level, no one else
            owner=User.objects.get(role=User.Role.STATE, email__endswith="demo.neuewege.example"),
            exporter="state-overview",
            fmt="xlsx",
            work_state=ExportFile.State.DONE,
            filename="neue-wege-regionen.xlsx",
            content_type=CONTENT_TYPES["xlsx"],
            content=b"PK",
        ).pk,
    }


def test_every_route_answers_as_its_description_says_on_the_demo_data(client, db, wesel):
    """Each route, called by the demo coordinator of Kreis Wesel and by the state level on the
    demo data (writes with an empty body), answers with a status code the document lists and a
    body its schema for that code admits, formats included."""
    call_command("demo", "--scale", "demo")
    document = json.loads(client.get("/api/v1/openapi.json").content)
    values = path_values(wesel)
    callers = {
        email: {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='test')[1]}"}
        for email in ["koordination.wesel@demo.neuewege.example", "land@demo.neuewege.example"]
        for user in [User.objects.get(email=email)]
    }
    answered = collections.Counter()
    for path, operations in document["paths"].items():
        url = re.sub(r"{(\w+)}", lambda match: str(values[match[1]]), path)
        for method, operation in operations.items():
            for caller, headers in callers.items():
                if method == "get":
                    response = client.get(url, **headers)
                else:
                    body = "{}" if "requestBody" in operation else ""
                    response = getattr(client, method)(
                        url, body, content_type="application/json", **headers
                    )
                where = (method, path, caller, response.status_code)
                responses, status = operation["responses"], response.status_code
                described = responses.get(str(status), responses.get(f"{status // 100}XX"))
                assert described is not None, (*where, response.content[:300])
                content = described.get("content", {})
                if status == 204:  # no content
                    assert not content and not response.content, where
                    continue
                media = response.get("Content-Type", "").split(";")[0]
                if media != "application/json":
                    assert media in content or "*/*" in content, (*where, "body not described")
                    continue
                schema = described["content"]["application/json"]["schema"]
                validator = jsonschema_rs.validator_for(
                    {**schema, "components": document["components"]}, validate_formats=True
                )
                errors = [error.message for error in validator.iter_errors(response.json())]
                assert not errors, (*where, errors[:3])
                answered[response.status_code // 100] += 1
    assert answered[2] > 40 and answered[4] > 20, answered
