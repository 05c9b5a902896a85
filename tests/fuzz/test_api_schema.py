"""Fuzz the whole HTTP API from its OpenAPI schema (schemathesis) against the real server: no input may get a 5xx,
every status answered is one the operation documents, and every answer's body matches its documented schema.

Every operation gets schema-conforming (positive) and schema-violating (negative) requests, as the project admin of
a project with a ready scene (not site staff), half of them aimed at the ids that exist (so the request gets past
the 404 into validation and the services) and half at whatever ids the generator picks. Examples per operation and
mode: ``GEOLOOP_FUZZ_EXAMPLES`` (default 10; deterministic unless ``GEOLOOP_FUZZ_RANDOM=1``). Operations that
delete or archive run last; the world is restored before every request. All failures are collected and reported
together, each with a curl command that replays it.
"""

from __future__ import annotations

import os
from collections import Counter

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("GEOLOOP_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
LAST = ("delete", "archive")  # run after everything else: they remove what other operations need


def _order(operation) -> tuple[int, str]:
    late = operation.method.lower() == "delete" or operation.path.rstrip("/").endswith("archive")
    return (1 if late else 0, f"{operation.path} {operation.method}")


def test_no_input_gets_a_server_error(app_server, fuzz_world):
    schema = schemathesis.openapi.from_url(f"{app_server.url}/api/schema/")
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    assert len(operations) > 30, [f"{o.method} {o.path}" for o in operations]
    session = requests.Session()
    headers = {"Authorization": f"Token {fuzz_world.admin_token}"}
    known = fuzz_world.path_ids()
    failures: list[str] = []
    calls = 0
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()  # failures by operation, status and check

    def fuzz(operation) -> None:
        nonlocal calls
        names = {p.name for p in operation.path_parameters}
        ids = {name: known[name] for name in names if name in known}
        strategies = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(generation_mode=mode))
            if ids:
                strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=ids))

        @hypothesis.settings(max_examples=EXAMPLES * 2, deadline=None, database=None,
                             derandomize=os.environ.get("GEOLOOP_FUZZ_RANDOM") != "1",
                             suppress_health_check=list(hypothesis.HealthCheck),
                             phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        @hypothesis.given(case=st.one_of(strategies))
        def run(case):
            nonlocal calls
            fuzz_world.restore()
            calls += 1
            try:
                response = case.call(base_url=app_server.url, session=session, headers=headers, timeout=60)
            except requests.RequestException as exc:  # a dropped connection is as bad as a 500
                failures.append(f"{operation.method} {operation.path}: {type(exc).__name__} {exc}\n  "
                                f"{case.as_curl_command(headers=headers)}")
                return
            statuses[f"{response.status_code // 100}xx"] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - schemathesis's FailureGroup
                titles = sorted({getattr(e, "title", type(e).__name__) for e in getattr(exc, "exceptions", [exc])})
                kinds[f"{operation.method} {operation.path} {response.status_code}: {', '.join(titles)}"] += 1
                failures.append(f"{operation.method} {operation.path}: {response.status_code} "
                                f"{response.text[:300]!r}\n  {case.as_curl_command(headers=headers)}\n  {exc}"[:2000])

        run()

    for operation in operations:
        fuzz(operation)

    print(f"fuzzed {len(operations)} operations, {calls} requests: {dict(statuses)}")
    assert calls >= len(operations), calls
    assert statuses["2xx"] > len(operations), statuses  # the fuzzing gets past authentication and the 404s
    summary = "\n".join(f"  {n} x {kind}" for kind, n in sorted(kinds.items()))
    assert not failures, (f"{len(failures)} of {calls} requests failed:\n{summary}\n" + "\n".join(failures[:20]))
