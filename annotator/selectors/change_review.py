"""Reads for the review of change annotations."""

from django.db.models import Count, Q, QuerySet

from annotator.models import Project, ReviewState, ScenePair


def pairs_with_pending_changes(*, project: Project) -> QuerySet[ScenePair]:
    """The project's pairs with change annotations waiting for review (not deleted), annotated `pending`, most
    first."""
    pending = Count("changes", filter=Q(changes__deleted=False, changes__review_state=ReviewState.PENDING))
    return (ScenePair.objects.filter(project=project).select_related("before", "after")
            .annotate(pending=pending).filter(pending__gt=0).order_by("-pending", "id"))
