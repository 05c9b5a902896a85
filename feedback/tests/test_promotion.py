"""Promotion cannot be slipped past: one active version per project (database and services), the gate's verdict
or an admin's override reason (kept and audited), rollback only to versions that served, a read-only admin state."""

import threading

import pytest
from django.contrib import admin as django_admin
from django.db import IntegrityError, connection, transaction

from annotator.models import AuditEvent
from feedback import services
from feedback.services.versions import GateOverrideRequired
from inference.models import ModelState, ModelVersion


def _candidate(env, name: str, gate: bool | None) -> ModelVersion:
    metrics = {} if gate is None else {"gate": {"promote": gate, "reasons": [f"verdict {gate}"]}}
    base = env["base"]
    return ModelVersion.objects.create(
        name=name, architecture=base.architecture, checkpoint_path=base.checkpoint_path,
        checkpoint_sha256=base.checkpoint_sha256, parent=base, project=env["project"], metrics=metrics)


@pytest.mark.parametrize("gate", [False, None])
def test_promotion_against_or_without_the_gate_needs_a_reason_that_is_kept(project_env, gate):
    env = project_env
    cand = _candidate(env, "c", gate)
    for reason in ("", "   ", "ok"):
        with pytest.raises(GateOverrideRequired) as err:
            services.model_version_promote(version=cand, user=env["users"]["admin"], override_reason=reason)
        assert err.value.extra["gate_passed"] is gate
    cand.refresh_from_db()
    assert cand.state == ModelState.CANDIDATE

    reason = "field team needs the tree fixes today; gate set had no trees"
    services.model_version_promote(version=cand, user=env["users"]["admin"], override_reason=reason)
    cand.refresh_from_db()
    assert cand.state == ModelState.ACTIVE
    assert cand.override_reason == reason
    assert cand.promoted_by == env["users"]["admin"]
    event = AuditEvent.objects.filter(action="model_version.promote", object_id=cand.id).get()
    assert event.details["override_reason"] == reason
    assert event.details["gate_passed"] is gate


def test_a_gate_that_passed_needs_no_reason_and_keeps_none(project_env):
    env = project_env
    cand = _candidate(env, "c", True)
    services.model_version_promote(version=cand, user=env["users"]["admin"], override_reason="ignored here, gate ok")
    cand.refresh_from_db()
    assert cand.state == ModelState.ACTIVE
    assert cand.override_reason == ""


def test_the_api_asks_for_the_reason_and_shows_it(project_env, client_for):
    env = project_env
    cand = _candidate(env, "c", False)
    admin = client_for(env["users"]["admin"])
    res = admin.post(f"/api/model-versions/{cand.id}/promote/", {}, format="json")
    assert res.status_code == 400
    assert res.json()["code"] == "gate_override_required"
    assert res.json()["gate_reasons"] == ["verdict False"]
    res = admin.post(f"/api/model-versions/{cand.id}/promote/",
                     {"override_reason": "accepted risk: reviewed 30 masks by hand"}, format="json")
    assert res.status_code == 200
    body = res.json()["version"]
    assert body["override_reason"] == "accepted risk: reviewed 30 masks by hand"
    assert body["gate_passed"] is False
    assert body["promoted_by"] == env["users"]["admin"].username


def test_the_database_refuses_a_second_active_version(project_env):
    env = project_env
    first = _candidate(env, "a", True)
    ModelVersion.objects.filter(pk=first.pk).update(state=ModelState.ACTIVE)  # bypassing the services
    second = _candidate(env, "b", True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=second.pk).update(state=ModelState.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.create(name="g2", architecture="vit_t", checkpoint_path="x.pt", checkpoint_sha256="0",
                                    state=ModelState.ACTIVE)  # a second global active one (the base is active)


def test_concurrent_promotions_leave_exactly_one_active(transactional_db, project_env):
    env = project_env
    cands = [_candidate(env, f"c{i}", True) for i in range(4)]
    barrier = threading.Barrier(len(cands))
    errors = []

    def promote(mv):
        try:
            barrier.wait()
            services.model_version_promote(version=mv, user=env["users"]["admin"])
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=promote, args=(c,)) for c in cands]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    active = ModelVersion.objects.filter(project=env["project"], state=ModelState.ACTIVE)
    assert active.count() == 1


def test_rollback_only_to_a_version_that_served(project_env):
    env = project_env
    never = _candidate(env, "never", False)
    with pytest.raises(services.versions.ValidationFailed, match="never been in use"):
        services.model_version_rollback(project=env["project"], to_version=never, user=env["users"]["admin"])
    served = _candidate(env, "served", True)
    services.model_version_promote(version=served, user=env["users"]["admin"])
    services.model_version_rollback(project=env["project"], to_version=env["base"], user=env["users"]["admin"])
    assert services.model_version_rollback(project=env["project"], to_version=served) == served


def test_the_django_admin_cannot_edit_version_state():
    model_admin = django_admin.site._registry[ModelVersion]
    assert {"state", "promoted_at", "override_reason"} <= set(model_admin.readonly_fields)
