"""Who may see and change what: the one room for access rules, used by APIs, consumers and services alike.

Roles: annotator < reviewer < admin, per project; site staff count as admin everywhere.

Lookups ``<entity>_for_user`` fetch a record by id through the selectors (which only read and return ``None`` when
nothing is there) and check the caller's role in the record's project: ``core.errors.NotFound`` (404) when it does
not exist, ``core.errors.PermissionDenied`` (403) when the caller lacks the role, a non-member included.
``role_of_cached`` serves hot read-only paths (tiles, vector tiles); writes always read the role afresh.

Who may change an annotation (``annotation_edit_refusal``), checked by the annotation services so that every path
(REST, sockets, imports, review) obeys it:
- reviewers and admins may change any annotation of their project;
- an annotator may change an annotation that they drew, or one inside a task whose lease they hold (the
  annotation's task, or for an annotation outside any task, a held task on its scene whose area its geometry
  intersects), unless a reviewer approved it: approved annotations are changed only by reviewers and admins;
- a non-member changes nothing. ``user=None`` is the system itself (management commands, jobs) and may.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.models import (
    ROLE_RANK,
    Annotation,
    ExportJob,
    LabelClass,
    Membership,
    Project,
    ReviewState,
    Role,
    Scene,
    Tag,
    TagGroup,
    Task,
)
from annotator.selectors.annotations import annotation_get
from annotator.selectors.pairs import change_get, pair_get
from annotator.selectors.projects import label_class_get, project_get
from annotator.selectors.scenes import scene_get
from annotator.selectors.tags import tag_get, tag_group_get
from annotator.selectors.tasks import task_get, task_held_covers, tasks_held
from core.cache import TtlCache
from core.errors import NotFound, PermissionDenied

# WebSocket close codes for a refused socket: 4000 + the status its REST twin answers.
SOCKET_FORBIDDEN = 4403
SOCKET_NOT_FOUND = 4404


# -- roles ----------------------------------------------------------------------------------------------------------

def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def role_of(*, user, project: Project) -> str | None:
    """The user's role in the project (``admin`` for site staff), or None for a non-member or anonymous user."""
    if not _signed_in(user):
        return None
    if user.is_staff:
        return Role.ADMIN
    return Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()


ROLE_TTL_S = 5.0
_cached_roles = TtlCache(ROLE_TTL_S)


def role_of_cached(*, user, project_id: int) -> str | None:
    """`role_of` for hot read-only paths (tiles): a member's role is looked up at most once per ROLE_TTL_S seconds,
    so a change of membership shows within that time."""
    if not _signed_in(user):
        return None
    if user.is_staff:
        return Role.ADMIN
    key = (user.pk, project_id)
    role = _cached_roles.get(key, default=False)
    if role is False:
        role = Membership.objects.filter(project_id=project_id, user_id=user.pk).values_list("role", flat=True).first()
        _cached_roles.put(key, role)
    return role


def role_at_least(current: str | None, needed: str) -> bool:
    return current is not None and ROLE_RANK[current] >= ROLE_RANK[needed]


def has_role(*, user, project: Project, role: str) -> bool:
    return role_at_least(role_of(user=user, project=project), role)


def _role_check(current: str | None, needed: str, where: str) -> str:
    if current is None:
        raise PermissionDenied("You are not a member of this project.")
    if ROLE_RANK[current] < ROLE_RANK[needed]:
        raise PermissionDenied(f"This needs the {needed} role in {where}; you are {current}.")
    return current


def require_role(*, user, project: Project, role: str, cached: bool = False) -> str:
    """The user's role in the project, or PermissionDenied (403: a member without the role, or not a member).
    `cached` reads the role through `role_of_cached` (read-only hot paths only)."""
    current = (role_of_cached(user=user, project_id=project.pk) if cached
               else role_of(user=user, project=project))
    return _role_check(current, role, f"project {project.slug}")


def require_role_cached(*, user, project_id: int, role: str) -> str:
    """`require_role` for a hot path that has only the project's id (tiles)."""
    return _role_check(role_of_cached(user=user, project_id=project_id), role, f"project {project_id}")


def user_is_site_admin(user) -> bool:
    return _signed_in(user) and bool(user.is_staff)


def require_site_admin(*, user, action: str = "do this") -> None:
    if not user_is_site_admin(user):
        raise PermissionDenied(f"Only site administrators may {action}.")


# -- records, by id, with the role checked ----------------------------------------------------------------------

_ID_MAX = 2**63 - 1  # bigint


def _as_id(value) -> int | None:
    """A record id from a URL or query string; None for anything no record can have (text, 0, past bigint)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= _ID_MAX else None


def object_for_user(*, user, obj, role: str, what: str, cached: bool = False):
    """`obj` (any record with a `project`) when the user has `role` in its project; NotFound when `obj` is None.
    Other apps use it for their own records (proposals, training jobs...)."""
    if obj is None:
        raise NotFound(f"No such {what}.")
    require_role(user=user, project=obj.project, role=role, cached=cached)
    return obj


def project_for_user(*, user, project_id, role: str = Role.ANNOTATOR) -> Project:
    key = _as_id(project_id)
    project = project_get(project_id=key) if key else None
    if project is None:
        raise NotFound("No such project.")
    require_role(user=user, project=project, role=role)
    return project


def scene_for_user(*, user, scene_id, role: str = Role.ANNOTATOR, cached: bool = False) -> Scene:
    """The scene with its project; `cached` for read-only hot paths (vector tiles)."""
    key = _as_id(scene_id)
    scene = scene_get(scene_id=key) if key else None
    return object_for_user(user=user, obj=scene, role=role, what="scene", cached=cached)


def annotation_for_user(*, user, annotation_id, role: str = Role.ANNOTATOR) -> Annotation:
    key = _as_id(annotation_id)
    annotation = annotation_get(annotation_id=key) if key else None
    return object_for_user(user=user, obj=annotation, role=role, what="annotation")


def task_for_user(*, user, task_id, role: str = Role.ANNOTATOR) -> Task:
    key = _as_id(task_id)
    return object_for_user(user=user, obj=task_get(task_id=key) if key else None, role=role, what="task")


def label_class_for_user(*, user, class_id, role: str = Role.ANNOTATOR) -> LabelClass:
    key = _as_id(class_id)
    label_class = label_class_get(class_id=key) if key else None
    return object_for_user(user=user, obj=label_class, role=role, what="label class")


def tag_group_for_user(*, user, group_id, role: str = Role.ANNOTATOR) -> TagGroup:
    key = _as_id(group_id)
    return object_for_user(user=user, obj=tag_group_get(group_id=key) if key else None, role=role, what="tag group")


def tag_for_user(*, user, tag_id, role: str = Role.ANNOTATOR) -> Tag:
    key = _as_id(tag_id)
    return object_for_user(user=user, obj=tag_get(tag_id=key) if key else None, role=role, what="tag")


def export_job_for_user(*, user, job_id, role: str = Role.REVIEWER) -> ExportJob:
    from annotator.selectors.exports import export_job_get  # deferred: the export selectors import rasterio

    key = _as_id(job_id)
    return object_for_user(user=user, obj=export_job_get(job_id=key) if key else None, role=role, what="export")


# -- sockets --------------------------------------------------------------------------------------------------------

def socket_refusal(*, user, check: Callable[[], object]) -> int | None:
    """Whether a socket may open: None when `check` (one of the lookups above) passes, else the close code:
    4403 for an anonymous or refused user, 4404 when the record does not exist. Runs database queries: call it
    through `database_sync_to_async`."""
    if not _signed_in(user):
        return SOCKET_FORBIDDEN
    try:
        check()
    except NotFound:
        return SOCKET_NOT_FOUND
    except PermissionDenied:
        return SOCKET_FORBIDDEN
    return None


# -- who may change an annotation ----------------------------------------------------------------------------------

RULE_APPROVED = "approved annotations are changed only by reviewers and admins"
RULE_OWN_OR_TASK = "annotators change only their own annotations and those inside a task they hold"


def annotation_edit_refusal(*, user, annotation: Annotation) -> str | None:
    """None when `user` may edit, delete or restore `annotation` (see the module docstring), else why not, naming
    the rule. Reads the role afresh and, for an annotator and someone else's annotation, the held tasks."""
    if user is None:
        return None
    role = role_of(user=user, project=annotation.project)
    if role is None:
        return "You are not a member of this project."
    if role_at_least(role, Role.REVIEWER):
        return None
    if annotation.review_state == ReviewState.APPROVED:
        return f"Annotation {annotation.id} was approved by a reviewer: {RULE_APPROVED}."
    if annotation.author_id is not None and annotation.author_id == user.pk:
        return None
    if task_held_covers(user=user, annotation=annotation):
        return None
    return f"Annotation {annotation.id} is someone else's and not inside a task you hold: {RULE_OWN_OR_TASK}."


def annotation_may_edit(*, user, annotation: Annotation) -> bool:
    return annotation_edit_refusal(user=user, annotation=annotation) is None


def require_annotation_edit(*, user, annotation: Annotation) -> None:
    """PermissionDenied (403, reason `edit_not_allowed`) unless the user may change the annotation."""
    refusal = annotation_edit_refusal(user=user, annotation=annotation)
    if refusal is not None:
        raise PermissionDenied(refusal, extra={"reason": "edit_not_allowed"})


def require_annotation_review(*, user, annotation: Annotation) -> None:
    """Accepting, rejecting and fixing in review need the reviewer role (`user=None`, the system, may)."""
    if user is not None:
        require_role(user=user, project=annotation.project, role=Role.REVIEWER)


# -- who may set a tag ---------------------------------------------------------------------------------------------

RULE_TAG_APPROVED = "approved tags are changed only by reviewers and admins"
RULE_TAG_TARGET = "annotators tag a task they hold, or a scene on which they hold a task, and change their own tags"


def tag_edit_refusal(*, user, project: Project, scene_id: int, task_id: int | None, tag: Tag | None) -> str | None:
    """None when `user` may set or clear the tag of a target (`tag` is the existing row, or None), else why not.
    The annotation rules, for a whole target: reviewers and admins may; an annotator may change their own tag or tag
    a task whose lease they hold (for a scene, a scene on which they hold a task), unless a reviewer approved the
    tag; a non-member may not. ``user=None`` is the system itself."""
    if user is None:
        return None
    role = role_of(user=user, project=project)
    if role is None:
        return "You are not a member of this project."
    if role_at_least(role, Role.REVIEWER):
        return None
    if tag is not None and tag.review_state == ReviewState.APPROVED:
        return f"Tag {tag.id} was approved by a reviewer: {RULE_TAG_APPROVED}."
    if tag is not None and tag.author_id is not None and tag.author_id == user.pk and tag.values:
        return None
    held = tasks_held(user=user)
    if task_id is not None and held.filter(pk=task_id).exists():
        return None
    if task_id is None and held.filter(scene_id=scene_id).exists():
        return None
    target = f"task {task_id}" if task_id is not None else f"scene {scene_id}"
    return f"You hold no task covering {target}: {RULE_TAG_TARGET}."


# -- scene pairs and change annotations (annotator/services/pairs.py) ---------------------------------------------


def pair_for_user(*, user, pair_id, role: str = Role.ANNOTATOR):
    return object_for_user(user=user, obj=pair_get(pair_id=_as_id(pair_id)), role=role, what="scene pair")


def change_for_user(*, user, change_id, role: str = Role.ANNOTATOR):
    return object_for_user(user=user, obj=change_get(change_id=_as_id(change_id)), role=role,
                           what="change annotation")


def change_edit_refusal(*, user, change) -> str | None:
    """The annotations' rule for change annotations: reviewers and admins change any; an approved one only they;
    annotators their own (a pair has no tasks, so no task-held exception)."""
    if user is None:
        return None
    role = role_of(user=user, project=change.project)
    if role is None:
        return "You are not a member of this project."
    if role_at_least(role, Role.REVIEWER):
        return None
    if change.review_state == ReviewState.APPROVED:
        return f"Change annotation {change.id} was approved by a reviewer: {RULE_APPROVED}."
    if change.author_id is not None and change.author_id == user.pk:
        return None
    return f"Change annotation {change.id} is someone else's: annotators change only their own change annotations."


def require_change_edit(*, user, change) -> None:
    refusal = change_edit_refusal(user=user, change=change)
    if refusal is not None:
        raise PermissionDenied(refusal, extra={"reason": "edit_not_allowed"})
