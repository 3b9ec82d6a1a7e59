"""The API's description and its docs page."""

import json
import re

import pytest

from neuewege.core.models import User
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
