"""Reads for tags: a project's tag groups (its vocabulary) and the tags on scenes and tasks."""

from django.db.models import QuerySet

from annotator.models import Project, ReviewState, Tag, TagGroup, Task


def tag_group_get(*, group_id: int) -> TagGroup | None:
    return TagGroup.objects.select_related("project").filter(pk=group_id).first()


def tag_group_list(*, project: Project, include_archived: bool = True) -> QuerySet[TagGroup]:
    groups = TagGroup.objects.filter(project=project)
    return groups if include_archived else groups.filter(archived=False)


def tag_get(*, tag_id: int) -> Tag | None:
    return Tag.objects.select_related("project", "group", "scene", "task", "author").filter(pk=tag_id).first()


def tag_find(*, group: TagGroup, scene_id: int, task_id: int | None) -> Tag | None:
    tags = Tag.objects.filter(group=group, scene_id=scene_id)
    return (tags.filter(task__isnull=True) if task_id is None else tags.filter(task_id=task_id)).first()


def tag_list(*, project: Project, scene_id: int | None = None, task_id: int | None = None,
             review_state: str | None = None, with_empty: bool = False) -> QuerySet[Tag]:
    """Tags of the project; with ``scene_id``, the scene's own and its tasks'; with ``task_id``, that task's."""
    tags = Tag.objects.filter(project=project).select_related("group", "scene", "task", "author")
    if scene_id is not None:
        tags = tags.filter(scene_id=scene_id)
    if task_id is not None:
        tags = tags.filter(task_id=task_id)
    if review_state:
        tags = tags.filter(review_state=review_state)
    if not with_empty:
        tags = tags.exclude(values=[])
    return tags.order_by("scene_id", "task_id", "group__order", "group_id")


def tag_review_queue(*, project: Project, scene_id: int | None = None) -> QuerySet[Tag]:
    return tag_list(project=project, scene_id=scene_id, review_state=ReviewState.PENDING).order_by("updated_at", "id")


def task_tag_target(*, task: Task) -> tuple[int, int]:
    return task.scene_id, task.pk
