"""The API's description and its docs page."""

import json
import re
from enum import Enum
from typing import get_args

import pytest
from ninja.constants import NOT_SET
from ninja.schema import NinjaGenerateJsonSchema as PlainNinjaGenerateJsonSchema
from pydantic import BaseModel

from neuewege.api.api import api
from neuewege.cooperation.models import Meeting, Task
from neuewege.core.models import User
from neuewege.events.models import ParentEvent, Registration
from tests.factories import UserFactory


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


def test_the_openapi_document_declares_bearer_auth_on_every_operation_but_the_public_ones(
    schema,
):
    schemes = schema["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"]
    assert bearer and schemes[bearer[0]]["type"] == "http"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/public/"):
                assert "security" not in operation, (method, path)
            else:
                assert {bearer[0]: []} in operation["security"], (method, path)


def test_the_openapi_document_declares_the_problem_shape_and_limits(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert problem["required"] == ["detail", "errors"]
    assert set(problem["properties"]["errors"]["items"]["properties"]) == {"field", "message"}
    for operations in schema["paths"].values():
        for operation in operations.values():
            content = operation["responses"]["4XX"]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
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
