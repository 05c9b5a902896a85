"""JSON bodies past the depth and number limits are refused with 400 (code json_limit), on every JSON view."""

import pytest

from core.json_limits import MAX_SAFE_INTEGER, JsonLimitExceeded, json_depth, json_loads_limited


def test_depth_is_measured_without_recursion():
    assert json_depth(1) == 0
    assert json_depth([]) == 1
    assert json_depth({"a": [[1]]}) == 3
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert json_depth(deep) == 100_001


@pytest.mark.parametrize("text", [
    "[" * 33 + "]" * 33,
    "[" * 100_000 + "]" * 100_000,  # past the C parser's recursion limit
    '{"a": ' * 40 + "1" + "}" * 40,
    str(MAX_SAFE_INTEGER + 1),
    "-" + "9" * 5000,
    "1e400",
    "-1e999",
    "NaN",
    '{"x": Infinity}',
    "[-Infinity]",
])
def test_values_past_the_limits_are_refused(text):
    with pytest.raises(JsonLimitExceeded):
        json_loads_limited(text, max_depth=32)


def test_values_within_the_limits_parse_as_usual():
    text = '{"a": [[[1, 2.5, -9007199254740991, 1e300, null, true, "x"]]]}'
    assert json_loads_limited(text, max_depth=4) == {"a": [[[1, 2.5, -MAX_SAFE_INTEGER, 1e300, None, True, "x"]]]}


def test_malformed_json_is_still_a_value_error():
    with pytest.raises(ValueError, match="Expecting value"):  # the standard library's own message
        json_loads_limited('{"a": ', max_depth=32)


@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,
    '{"username": ' + "[" * 40 + "]" * 40 + ', "password": "x"}',
    '{"username": "a", "password": 123456789012345678901234567890}',
    '{"username": "a", "password": NaN}',
])
def test_api_answers_400_with_a_code(db, client, body):
    response = client.post("/api/auth/login/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "json_limit", response.content
    assert response.json()["detail"]


def test_views_that_take_json_only_use_the_limited_parser(actors):
    from annotator.models import Scene

    scene = Scene.objects.create(project=actors.project, name="s")
    response = actors.client("admin").patch(f"/api/scenes/{scene.id}/", '{"render_recipe": ' + "[" * 50 + "]" * 50
                                            + "}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "json_limit"


def test_malformed_json_keeps_drfs_parse_error(db, client):
    response = client.post("/api/auth/login/", '{"username": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
