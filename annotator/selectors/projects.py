"""Reads for projects and label classes."""

from django.db.models import QuerySet

from annotator.models import LabelClass, Membership, Project


def project_get(*, project_id) -> Project | None:
    """The project, or None (also for an id that is not a number)."""
    try:
        return Project.objects.filter(pk=int(project_id)).first()
    except (TypeError, ValueError):
        return None


def project_get_by_slug(*, slug: str) -> Project | None:
    return Project.objects.filter(slug=slug).first()


def label_class_get(*, class_id: int) -> LabelClass | None:
    return LabelClass.objects.select_related("project").filter(pk=class_id).first()


def project_list(*, user, include_archived: bool = False) -> list[tuple[Project, str]]:
    """Projects the user can see, each with the user's role in it."""
    if user.is_staff:
        projects = Project.objects.all()
        pairs = [(p, "admin") for p in projects]
    else:
        memberships = Membership.objects.filter(user=user).select_related("project")
        pairs = [(m.project, m.role) for m in memberships]
    pairs = [(p, r) for p, r in pairs if include_archived or not p.archived]
    return sorted(pairs, key=lambda pair: pair[0].id)


def label_class_list(*, project: Project, include_archived: bool = False) -> QuerySet[LabelClass]:
    classes = LabelClass.objects.filter(project=project)
    return classes if include_archived else classes.filter(archived=False)


def membership_list(*, project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("user__username")
