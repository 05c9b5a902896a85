"""Reads for tasks."""

from django.db.models import Count, Q, QuerySet
from rest_framework.exceptions import NotFound

from annotator.models import Project, Task
from annotator.permissions import require_role


def task_for(*, user, task_id: int, role: str) -> Task:
    task = Task.objects.select_related("project").filter(pk=task_id).first()
    if task is None:
        raise NotFound("No such task.")
    require_role(user=user, project=task.project, role=role)
    return task


def task_list(*, project: Project, scene_id: int | None = None, status: str | None = None,
              assignee_id: int | None = None) -> QuerySet[Task]:
    tasks = Task.objects.filter(project=project)
    if scene_id is not None:
        tasks = tasks.filter(scene_id=scene_id)
    if status:
        tasks = tasks.filter(status=status)
    if assignee_id is not None:
        tasks = tasks.filter(assignee_id=assignee_id)
    return (tasks.select_related("assignee", "lease_holder")
            .annotate(annotation_count=Count("annotations", filter=Q(annotations__deleted=False)))
            .order_by("id"))
