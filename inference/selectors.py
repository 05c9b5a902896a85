"""Reads: model versions a project may use, the active one, proposals."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from inference.models import MaskProposal, ModelState, ModelVersion, SimilarBatch


def active_model_version(*, project) -> ModelVersion | None:
    """The version a project's prompts use: its own active version, else the global (project-less) active one."""
    if project is not None:
        own = (ModelVersion.objects.filter(project=project, state=ModelState.ACTIVE)
               .order_by("-promoted_at", "-id").first())
        if own is not None:
            return own
    return ModelVersion.objects.filter(project__isnull=True, state=ModelState.ACTIVE).order_by("-id").first()


def model_version_usable(*, project, version_id: int) -> ModelVersion | None:
    """Version ``version_id`` when ``project`` may prompt it (a global version or one of its own), else None."""
    return ModelVersion.objects.filter(Q(project__isnull=True) | Q(project=project), pk=version_id).first()


def model_version_list(*, user, project=None) -> QuerySet[ModelVersion]:
    """Versions ``user`` can see: global ones and those of projects they belong to (staff: all), optionally only
    those usable in ``project``."""
    qs = ModelVersion.objects.all()
    if project is not None:
        qs = qs.filter(Q(project__isnull=True) | Q(project=project))
    elif not user.is_staff:
        qs = qs.filter(Q(project__isnull=True) | Q(project__memberships__user=user)).distinct()
    return qs.order_by("id")


def model_version_get(*, version_id: int) -> ModelVersion | None:
    return ModelVersion.objects.select_related("project").filter(pk=version_id).first()


def proposal_get(*, proposal_id: int, wait_s: float = 0.0) -> MaskProposal | None:
    """The proposal; with ``wait_s``, waiting up to that long for one whose id was handed out but whose row is
    still being written (the socket sends a mask before storing it). An id never handed out is None at once."""
    import time

    from django.db import connection

    deadline = time.monotonic() + wait_s
    while True:
        proposal = MaskProposal.objects.select_related("project", "scene").filter(pk=proposal_id).first()
        if proposal is not None or time.monotonic() >= deadline:
            return proposal
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value, is_called FROM {MaskProposal._meta.db_table}_id_seq")
            last_value, is_called = cursor.fetchone()
        if proposal_id > last_value or (proposal_id == last_value and not is_called):
            return None
        time.sleep(0.02)


def proposal_window_levels(*, project_id: int, limit: int) -> list[int]:
    """The window levels of the project's ``limit`` latest answers, newest first."""
    windows = (MaskProposal.objects.filter(project_id=project_id).order_by("-id")
               .values_list("window", flat=True)[:limit])
    return [w["level"] for w in windows if isinstance(w, dict) and isinstance(w.get("level"), int)]


def similar_batch_get(*, batch_id: int) -> SimilarBatch | None:
    return SimilarBatch.objects.select_related("project", "scene").filter(pk=batch_id).first()


def similar_batch_proposals(*, batch: SimilarBatch) -> list[dict]:
    """The batch's proposals, best calibrated quality first, each with its review outcome (the proposal's
    accept/reject record, read through the reverse relation the feedback app owns) and the annotation it became."""
    import json

    rows = (MaskProposal.objects.filter(similar_batch=batch).prefetch_related("corrections")
            .order_by("-quality", "id"))
    out = []
    for p in rows:
        done = next((c for c in p.corrections.all() if c.source == "proposal"), None)
        out.append({
            "id": p.pk, "geometry": json.loads(p.geometry.geojson) if p.geometry is not None else None,
            "quality": p.quality, "predicted_iou": p.predicted_iou,
            "similarity": (p.features or {}).get("similarity"),
            "outcome": done.outcome if done is not None else None,
            "annotation": done.annotation_id if done is not None else None,
        })
    return out
