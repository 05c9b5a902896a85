"""The OpenAPI schema documents, for every operation, the error statuses it can answer with the one error body that
webapp/errors.py sends (the fuzz test, tests/fuzz/test_api_schema.py, checks the statuses against the real server)."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from core import errors
from webapp.errors import exception_handler

ERROR_REF = "#/components/schemas/ErrorOutput"
UNAUTHENTICATED = {"/api/auth/csrf/", "/api/auth/login/", "/api/auth/token/"}  # no credentials read at all


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def _error_codes(operation: dict) -> set[str]:
    found = set()
    for code, response in operation["responses"].items():
        if code[0] in "45":
            assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, code
            found.add(code)
    return found


def test_every_operation_documents_its_errors_with_the_one_error_body(schema):
    operations = list(_operations(schema))
    assert len(operations) > 30
    for path, method, operation in operations:
        codes = _error_codes(operation)
        assert {"400", "503"} <= codes, (method, path, codes)
        if "{" in path:
            assert "404" in codes, (method, path, codes)
        assert ("401" in codes) == (path not in UNAUTHENTICATED), (method, path, codes)
        if method in ("POST", "PUT", "PATCH"):
            assert "413" in codes, (method, path, codes)


def test_views_add_what_else_they_answer(schema):
    login = schema["paths"]["/api/auth/login/"]["post"]
    assert {"403", "429"} <= _error_codes(login)  # CSRF, failed logins counted
    assert "401" not in _error_codes(login)  # no authentication on the login itself
    histogram = schema["paths"]["/api/scenes/{scene_id}/histogram/"]["get"]
    assert "409" in _error_codes(histogram)  # a scene not ready yet
    me = schema["paths"]["/api/auth/me/"]["get"]
    assert "409" not in _error_codes(me)
    assert "413" not in _error_codes(me)


@pytest.mark.parametrize("exc", [
    errors.NotFound("No such scene."),
    errors.RateLimited("Too many.", extra={"retry_after": 12}),
    errors.Conflict("Stale version.", extra={"current_version": 3}),
    serializers.ValidationError({"name": ["This field is required."]}),
])
def test_error_bodies_match_the_documented_error_body(schema, exc):
    response = exception_handler(exc, {})
    assert response is not None
    assert response.status_code >= 400
    error_schema = schema["components"]["schemas"]["ErrorOutput"]
    jsonschema.validate(response.data, error_schema)
    if isinstance(exc, errors.GeoLoopError):
        assert response.data["code"] == exc.code
        assert response.data["detail"] == exc.message


def test_error_schema_refuses_a_body_of_the_wrong_shape(schema):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"detail": 3, "code": None}, schema["components"]["schemas"]["ErrorOutput"])
