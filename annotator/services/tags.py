"""Writes for tags: a project's tag groups (admins) and the tags on scenes and tasks, with their review.

A tag group is one question with its allowed values; single-label groups give a target at most one value (the
database holds it: `Tag.multi` is the group's flag, checked by a constraint on the row), multi-label groups any
subset. Setting a tag creates or changes the one row of its group and target; clearing leaves the row with no values.
Every change is versioned (a `TagRevision`), audited and announced as ``annotator.signals.tag_changed`` inside the
transaction: feedback turns changes after the first setting, and review rejections, into tag corrections.
Who may set what is `annotator.permissions.tag_edit_refusal`, checked here on the locked row.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from annotator.audit import audit_record
from annotator.events import scene_event_send
from annotator.models import Project, ReviewState, Role, Scene, Tag, TagGroup, TagRevision, Task
from annotator.permissions import require_role, tag_edit_refusal
from annotator.signals import tag_changed
from core.errors import Conflict, PermissionDenied, ValidationFailed

NAME_MAX = 100
VALUES_MAX = 100
VALUE_SEPARATOR = ";"  # how the CSV of tags joins a multi-label tag's values: no value may contain it
REVIEW_ACTIONS = ("accept", "reject", "fix")


# -- the vocabulary -------------------------------------------------------------------------------------------------

def _name_check(project: Project, name: str, *, exclude: int = 0) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A tag group needs a name.", extra={"name": ["This field may not be blank."]})
    if len(name) > NAME_MAX:
        raise ValidationFailed(f"A tag group's name has at most {NAME_MAX} characters.")
    same = TagGroup.objects.filter(project=project, name=name).exclude(pk=exclude)
    if same.exists():
        raise Conflict(f"The project already has a tag group named {name!r}.", extra={"reason": "duplicate_name"})
    return name


def tag_values_check(values) -> list[str]:
    """The allowed values of a group: at least one, each a non-empty text without the CSV separator, no repeats."""
    if not isinstance(values, list) or not values:
        raise ValidationFailed("A tag group needs a list of at least one value.", extra={"reason": "invalid_values"})
    if len(values) > VALUES_MAX:
        raise ValidationFailed(f"A tag group has at most {VALUES_MAX} values.", extra={"reason": "invalid_values"})
    out: list[str] = []
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if not text or len(text) > NAME_MAX or VALUE_SEPARATOR in text:
            raise ValidationFailed(
                f"Tag value {value!r} is not allowed: a value is a text of 1 to {NAME_MAX} characters without "
                f"{VALUE_SEPARATOR!r}.", extra={"reason": "invalid_values"})
        if text in out:
            raise ValidationFailed(f"Tag value {text!r} is listed twice.", extra={"reason": "invalid_values"})
        out.append(text)
    return out


def tag_group_create(*, project: Project, user, name: str, values: list, multi: bool = False,
                     order: int | None = None) -> TagGroup:
    name = _name_check(project, name)
    values = tag_values_check(values)
    if order is None:
        order = (TagGroup.objects.filter(project=project).aggregate(m=Max("order"))["m"] or 0) + 1
    group = TagGroup.objects.create(project=project, name=name, values=values, multi=bool(multi), order=order)
    audit_record(user=user, project=project, action="tag_group.create", obj=group,
                 details={"name": name, "values": values, "multi": group.multi})
    return group


@transaction.atomic
def tag_group_update(*, group: TagGroup, user, name: str | None = None, values: list | None = None,
                     multi: bool | None = None, archived: bool | None = None, order: int | None = None) -> TagGroup:
    """Rename, change the values, switch single/multi-label, reorder, archive. A value still given by a tag cannot
    be removed, nor can a group become single-label while a target carries several of its values (409, naming
    how many)."""
    group = TagGroup.objects.select_for_update().get(pk=group.pk)
    changes: dict = {}
    if name is not None:
        group.name = changes["name"] = _name_check(group.project, name, exclude=group.pk or 0)
    if values is not None:
        values = tag_values_check(values)
        removed = [v for v in group.values if v not in values]
        in_use = sorted({v for tag_values in Tag.objects.filter(group=group).values_list("values", flat=True)
                         for v in tag_values if v in removed})
        if in_use:
            raise Conflict(f"Tag values still in use cannot be removed: {', '.join(in_use)}.",
                           extra={"reason": "values_in_use", "values": in_use})
        group.values = changes["values"] = values
    if multi is not None and bool(multi) != group.multi:
        if not multi:
            several = Tag.objects.filter(group=group, values__len__gt=1).count()
            if several:
                raise Conflict(f"{several} target(s) carry several values of {group.name!r}; make each one value "
                               "before the group becomes single-label.",
                               extra={"reason": "multi_values", "count": several})
        group.multi = changes["multi"] = bool(multi)
        Tag.objects.filter(group=group).update(multi=group.multi)
    if archived is not None:
        group.archived = changes["archived"] = bool(archived)
    if order is not None:
        group.order = changes["order"] = order
    group.save()
    audit_record(user=user, project=group.project, action="tag_group.update", obj=group, details=changes)
    return group


# -- tags on a target -----------------------------------------------------------------------------------------------

def tag_values_for(group: TagGroup, values) -> list[str]:
    """`values` checked against the group: a list of its values, without repeats; one at most for a single-label
    group (400 naming the bad value)."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationFailed("values is a list of texts.", extra={"reason": "invalid_values"})
    unknown = [v for v in values if v not in group.values]
    if unknown:
        raise ValidationFailed(f"{unknown[0]!r} is not a value of tag group {group.name!r} "
                               f"(allowed: {', '.join(group.values)}).",
                               extra={"reason": "unknown_value", "allowed": list(group.values)})
    if len(set(values)) != len(values):
        raise ValidationFailed("A value is given twice.", extra={"reason": "invalid_values"})
    if not group.multi and len(values) > 1:
        raise ValidationFailed(f"Tag group {group.name!r} is single-label: give at most one value.",
                               extra={"reason": "single_label"})
    return [v for v in group.values if v in values]  # the group's order: the same set always reads the same


def tag_payload(tag: Tag) -> dict:
    return {"id": tag.pk, "group": tag.group_id, "target": tag.target, "scene": tag.scene_id, "task": tag.task_id,
            "values": list(tag.values), "version": tag.version, "review_state": tag.review_state}


def _event_after_commit(tag: Tag) -> None:
    scene_id, payload = tag.scene_id, tag_payload(tag)

    def send() -> None:
        try:
            scene_event_send(scene_id=scene_id, event="tag.updated", payload=payload)
        except Exception:  # noqa: BLE001 -- the change is committed; a lost broadcast must not turn it into a 500
            pass

    transaction.on_commit(send)


def _changed(*, tag: Tag, user, kind: str, reason: str, previous_values: list[str]) -> TagRevision:
    revision = TagRevision.objects.create(
        tag=tag, version=tag.version, values=list(tag.values), review_state=tag.review_state,
        author=user if getattr(user, "is_authenticated", False) else None, reason=(reason or kind)[:200])
    audit_record(user=user, project=tag.project, action=f"tag.{kind}", obj=tag,
                 details={"version": tag.version, "group": tag.group_id, "scene": tag.scene_id, "task": tag.task_id,
                          "before": previous_values, "after": list(tag.values), "reason": reason})
    tag_changed.send(sender=Tag, tag=tag, kind=kind, user=user, previous_values=previous_values)
    _event_after_commit(tag)
    return revision


def _version_check(tag: Tag, expected_version: int | None) -> None:
    if expected_version != tag.version:
        raise Conflict(
            f"Tag {tag.pk} changed since you loaded it (you have version {expected_version}, it is now version "
            f"{tag.version}). Reload it and apply your change again.",
            extra={"reason": "version", "current_version": tag.version, "current": tag_payload(tag)})


def _target(*, scene: Scene | None, task: Task | None) -> tuple[Scene, Task | None]:
    if (scene is None) == (task is None):
        raise ValidationFailed("A tag is set on a scene or on a task.")
    if task is not None:
        return task.scene, task
    assert scene is not None
    return scene, None


@transaction.atomic
def tag_set(*, group: TagGroup, user, values: list, scene: Scene | None = None, task: Task | None = None,
            expected_version: int | None = None, reason: str = "") -> Tag:
    """Set the values `group` gives a scene or a task (an empty list clears them). A tag that exists already needs
    the version it was read at (409 otherwise). Changing a reviewed tag sends it back to review."""
    target_scene, target_task = _target(scene=scene, task=task)
    if target_scene.project_id != group.project_id:
        raise ValidationFailed(f"Tag group {group.name!r} belongs to another project.")
    values = tag_values_for(group, values)
    tag = (Tag.objects.select_for_update().select_related("project", "group")
           .filter(group=group, scene=target_scene, task=target_task).first())
    refusal = tag_edit_refusal(user=user, project=group.project, scene_id=target_scene.pk,
                               task_id=target_task.pk if target_task else None, tag=tag)
    if refusal is not None:
        raise PermissionDenied(refusal, extra={"reason": "edit_not_allowed"})
    if tag is None:
        if group.archived:
            raise ValidationFailed(f"Tag group {group.name!r} is archived.", extra={"reason": "archived"})
        try:
            with transaction.atomic():
                tag = Tag.objects.create(project_id=group.project_id, group=group, scene=target_scene,
                                         task=target_task, multi=group.multi, values=values,
                                         author=user if getattr(user, "is_authenticated", False) else None)
        except IntegrityError as exc:  # someone set it in between
            raise Conflict("This tag was set by someone else just now; reload it.",
                           extra={"reason": "version"}) from exc
        tag.project, tag.group = group.project, group
        _changed(tag=tag, user=user, kind="created", reason=reason, previous_values=[])
        return tag
    _version_check(tag, expected_version)
    previous = list(tag.values)
    if previous == values:
        return tag
    tag.values = values
    tag.multi = group.multi
    tag.review_state, tag.review_reason = ReviewState.PENDING, ""
    tag.author = user if getattr(user, "is_authenticated", False) else tag.author
    tag.version += 1
    tag.save()
    kind = "cleared" if not values else ("created" if not previous else "updated")
    _changed(tag=tag, user=user, kind=kind, reason=reason, previous_values=previous)
    return tag


@transaction.atomic
def tag_review(*, tag: Tag, user, action: str, expected_version: int, reason: str = "",
               values: list | None = None) -> Tag:
    """A reviewer accepts a tag, rejects it with a reason, or fixes its values (then it is approved)."""
    if action not in REVIEW_ACTIONS:
        raise ValidationFailed(f"Unknown review action {action!r}; use accept, reject or fix.")
    tag = Tag.objects.select_for_update().select_related("project", "group").get(pk=tag.pk)
    if user is not None:
        require_role(user=user, project=tag.project, role=Role.REVIEWER)
    _version_check(tag, expected_version)
    previous = list(tag.values)
    if not previous and action != "fix":
        raise Conflict(f"Tag {tag.pk} has no values to review.", extra={"reason": "empty"})
    if action == "accept":
        tag.review_state = ReviewState.APPROVED
    elif action == "reject":
        if not reason.strip():
            raise ValidationFailed("Rejecting needs a reason.", extra={"reason": "reason_required"})
        tag.review_state = ReviewState.REJECTED
    else:
        if values is None:
            raise ValidationFailed("A fix needs the values.", extra={"reason": "values_required"})
        tag.values = tag_values_for(tag.group, values)
        tag.review_state = ReviewState.APPROVED
    tag.review_reason = reason
    tag.version += 1
    tag.save()
    _changed(tag=tag, user=user, kind=f"review_{action}", reason=f"review {action}: {reason}".strip(" :"),
             previous_values=previous)
    return tag
