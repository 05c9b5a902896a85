"""Imports a CSV of tags (the `tags_csv` export) into a project: preview, then commit. All or nothing: every row's
target, group and values are checked first; one error and nothing is written (ImportRejected, 400, per-row report).
Rows are written through `tag_set`, so revisions, audit, feedback and events are as for any other tag."""

from __future__ import annotations

from django.db import transaction

from annotator.audit import audit_record
from annotator.imports.common import ImportFileError, ImportItemError
from annotator.imports.tags_csv import tags_csv_read
from annotator.models import Project, Scene, Tag, TagGroup, Task
from annotator.services.imports import ImportRejected
from annotator.services.tags import tag_set, tag_values_for
from core.errors import ValidationFailed

MAX_BYTES = 16 * 1024 * 1024


def _reject(message: str, errors: list[ImportItemError]) -> ImportRejected:
    return ImportRejected(message, extra={"errors": [e.as_dict() for e in errors[:1000]], "imported": 0})


def _plan(*, project: Project, data: bytes) -> tuple[list[dict], list[ImportItemError]]:
    if len(data) > MAX_BYTES:
        message = f"An import reads at most {MAX_BYTES:,} bytes."
        raise _reject("The CSV of tags is too large.", [ImportItemError("file", "too_large", message)])
    try:
        read = tags_csv_read(data)
    except ImportFileError as exc:
        raise _reject(f"{exc.message} Nothing was imported.", [ImportItemError("file", exc.reason, exc.message)]) \
            from exc
    errors = list(read.errors)
    groups = {g.name: g for g in TagGroup.objects.filter(project=project)}
    scene_ids = {r.target_id for r in read.rows if r.target == "scene"}
    task_ids = {r.target_id for r in read.rows if r.target == "task"}
    scenes = Scene.objects.in_bulk(list(Scene.objects.filter(project=project, pk__in=scene_ids)
                                        .values_list("pk", flat=True)))
    tasks = Task.objects.select_related("scene").in_bulk(
        list(Task.objects.filter(project=project, pk__in=task_ids).values_list("pk", flat=True)))
    current = {(t.group_id, t.scene_id, t.task_id): t for t in Tag.objects.filter(project=project)}
    plan: list[dict] = []
    seen: set[tuple] = set()
    for row in read.rows:
        group = groups.get(row.group)
        target = scenes.get(row.target_id) if row.target == "scene" else tasks.get(row.target_id)
        if group is None:
            errors.append(ImportItemError(row.item, "unknown_group", f"The project has no tag group {row.group!r}."))
            continue
        if target is None:
            errors.append(ImportItemError(row.item, "unknown_target",
                                          f"The project has no {row.target} {row.target_id}."))
            continue
        try:
            values = tag_values_for(group, list(row.values))
        except ValidationFailed as exc:
            errors.append(ImportItemError(row.item, str(exc.extra.get("reason", "invalid_values")), exc.message))
            continue
        if isinstance(target, Task):
            scene_id, task_id = target.scene_id, target.pk
        else:
            scene_id, task_id = target.pk, None
        key = (group.pk, scene_id, task_id)
        if key in seen:
            errors.append(ImportItemError(row.item, "duplicate", f"{row.target} {row.target_id} has a second row "
                                                                 f"for tag group {group.name!r}."))
            continue
        seen.add(key)
        existing = current.get(key)
        if group.archived and existing is None:
            errors.append(ImportItemError(row.item, "archived", f"Tag group {group.name!r} is archived."))
            continue
        change = "create" if existing is None or not existing.values else (
            "unchanged" if list(existing.values) == values else "update")
        plan.append({"item": row.item, "group": group, "target": target, "target_type": row.target,
                     "values": values, "existing": existing, "change": change})
    return plan, errors


def _report(plan: list[dict], errors: list[ImportItemError], *, committed: bool) -> dict:
    counts = {k: sum(1 for p in plan if p["change"] == k) for k in ("create", "update", "unchanged")}
    return {"rows": len(plan) + len(errors), **counts, "errors": [e.as_dict() for e in errors],
            "committed": committed, "imported": (counts["create"] + counts["update"]) if committed else 0}


def tags_import_preview(*, project: Project, data: bytes) -> dict:
    """What importing the CSV would do (per-row errors included); writes nothing."""
    plan, errors = _plan(project=project, data=data)
    return _report(plan, errors, committed=False)


@transaction.atomic
def tags_import(*, project: Project, user, data: bytes) -> dict:
    plan, errors = _plan(project=project, data=data)
    if errors:
        raise _reject(f"{len(errors)} row(s) of the CSV of tags are refused; nothing was imported.", errors)
    for step in plan:
        if step["change"] == "unchanged":
            continue
        existing = step["existing"]
        target = {"scene": step["target"]} if step["target_type"] == "scene" else {"task": step["target"]}
        tag_set(group=step["group"], user=user, values=step["values"], reason="import",
                expected_version=existing.version if existing is not None else None, **target)
    report = _report(plan, errors, committed=True)
    audit_record(user=user, project=project, action="tag.import", obj=None,
                 details={k: report[k] for k in ("rows", "create", "update", "unchanged")})
    return report
