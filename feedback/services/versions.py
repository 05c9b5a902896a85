"""Promotion and rollback: which model version a project's prompts use.

The version a project uses is :func:`feedback.selectors.active_model_version`: its own ``active`` version, else
the global (project-less) ``active`` one. Promotion makes a project version active and retires the project's
other active versions; rolling back to the global base retires the project's own active versions so that the
fallback applies. Global versions are never retired from here (other projects use them).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from annotator.audit import audit_record
from annotator.models import Project
from core.errors import Conflict, ValidationFailed
from feedback.selectors import active_model_version
from inference.models import ModelState, ModelVersion
from inference.services.uncertainty import project_uncertainty_request


class GateOverrideRequired(ValidationFailed):
    """Promotion against (or without) the evaluation gate, without a reason."""

    code = "gate_override_required"


MIN_OVERRIDE_REASON = 10  # characters: a reason someone else can act on, not "ok"


def _activate(*, project, version: ModelVersion, user, action: str, override_reason: str = "") -> ModelVersion:
    """Make ``version`` the one ``project`` uses. Promotions of one project are serialised by a lock on its row,
    and the database refuses a second active version (``one_active_version_per_project``) should anything else try.
    """
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        locked = list(ModelVersion.objects.select_for_update().filter(project=project).order_by("id"))
        if version.project_id is None:
            if version.state != ModelState.ACTIVE:
                raise Conflict(f"Global version {version.id} is {version.state}; it cannot serve this project.")
        elif version.project_id != project.id:
            raise ValidationFailed(f"Model version {version.id} belongs to another project.")
        now = timezone.now()
        for mv in locked:
            if mv.state == ModelState.ACTIVE and mv.id != version.id:
                mv.state = ModelState.RETIRED
                mv.save(update_fields=["state"])
        if version.project_id is not None:
            version = next(mv for mv in locked if mv.id == version.id)
            version.state = ModelState.ACTIVE
            version.promoted_at = now
            version.promoted_by = user if getattr(user, "is_authenticated", False) else None
            version.override_reason = override_reason
            version.save(update_fields=["state", "promoted_at", "promoted_by", "override_reason"])
        details: dict[str, object] = {"version": version.id, "gate_passed": version.gate_passed}
        if override_reason:
            details["override_reason"] = override_reason
        audit_record(user=user, project=project, action=f"model_version.{action}", obj=version, details=details)
        project_uncertainty_request(project=project)  # the new model's doubts order "next task" (after commit)
    return version


def model_version_promote(*, version: ModelVersion, user=None, override_reason: str = "") -> ModelVersion:
    """Make a project's candidate (or retired) version the one its prompts use.

    A version whose evaluation gate refused, or never ran, is promoted only with ``override_reason`` (who decided
    and why is kept on the version and in the audit trail). A version the gate passed needs none.
    """
    if version.project_id is None:
        raise ValidationFailed("Global versions are not promoted per project; roll back to them instead.")
    if version.state == ModelState.ACTIVE:
        raise Conflict(f"Model version {version.id} is already active.")
    reason = (override_reason or "").strip()
    if version.gate_passed is not True and len(reason) < MIN_OVERRIDE_REASON:
        verdict = "refused it" if version.gate_passed is False else "never ran on it"
        gate = (version.metrics or {}).get("gate") or {}
        raise GateOverrideRequired(
            f"The evaluation gate {verdict}: promoting version {version.id} needs an override reason "
            f"(at least {MIN_OVERRIDE_REASON} characters) saying why.",
            extra={"gate_passed": version.gate_passed,
                   "gate_reasons": list(gate.get("reasons", []))},
        )
    if version.gate_passed is True:
        reason = ""
    return _activate(project=version.project, version=version, user=user, action="promote", override_reason=reason)


def model_version_rollback(*, project, to_version: ModelVersion, user=None) -> ModelVersion:
    """Make ``to_version`` (a version the project used before, or the global base) the one the project uses.

    Only a version that has served before can be rolled back to; one that never did must be promoted (and pass
    the gate, or carry an override reason)."""
    to_version.refresh_from_db(fields=["state", "promoted_at", "override_reason"])
    current = active_model_version(project=project)
    if current is not None and current.id == to_version.id:
        raise Conflict(f"Project {project.slug} already uses version {to_version.id}.")
    if to_version.project_id is not None and to_version.promoted_at is None:
        raise ValidationFailed(f"Version {to_version.id} has never been in use; promote it instead of rolling back.")
    keep = to_version.override_reason if to_version.project_id is not None else ""
    return _activate(project=project, version=to_version, user=user, action="rollback", override_reason=keep)
