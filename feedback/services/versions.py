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
from core.errors import Conflict, ValidationFailed
from feedback.selectors import active_model_version
from inference.models import ModelState, ModelVersion


def _activate(*, project, version: ModelVersion, user, action: str) -> ModelVersion:
    with transaction.atomic():
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
            version.save(update_fields=["state", "promoted_at"])
        audit_record(user=user, project=project, action=f"model_version.{action}", obj=version,
                     details={"version": version.id})
    return version


def model_version_promote(*, version: ModelVersion, user=None) -> ModelVersion:
    """Make a project's candidate (or retired) version the one its prompts use."""
    if version.project_id is None:
        raise ValidationFailed("Global versions are not promoted per project; roll back to them instead.")
    if version.state == ModelState.ACTIVE:
        raise Conflict(f"Model version {version.id} is already active.")
    return _activate(project=version.project, version=version, user=user, action="promote")


def model_version_rollback(*, project, to_version: ModelVersion, user=None) -> ModelVersion:
    """Make ``to_version`` (an earlier version of the project, or the global base) the one the project uses."""
    current = active_model_version(project=project)
    if current is not None and current.id == to_version.id:
        raise Conflict(f"Project {project.slug} already uses version {to_version.id}.")
    _activate(project=project, version=to_version, user=user, action="rollback")
    return active_model_version(project=project)
