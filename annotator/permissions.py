"""Project roles: annotator < reviewer < admin. Site staff count as admin everywhere."""

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission

from annotator.models import ROLE_RANK, Membership, Project, Role
from core.cache import TtlCache


def role_of(*, user, project: Project) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_staff:
        return Role.ADMIN
    membership = Membership.objects.filter(project=project, user=user).only("role").first()
    return membership.role if membership else None


ROLE_TTL_S = 5.0
_cached_roles = TtlCache(ROLE_TTL_S)


def role_of_cached(*, user, project_id: int) -> str | None:
    """`role_of` for hot read-only paths (tiles): a member's role is looked up at most once per ROLE_TTL_S seconds,
    so a change of membership shows within that time."""
    if user.is_staff:
        return Role.ADMIN
    key = (user.pk, project_id)
    role = _cached_roles.get(key, default=False)
    if role is False:
        role = Membership.objects.filter(project_id=project_id, user_id=user.pk).values_list("role", flat=True).first()
        _cached_roles.put(key, role)
    return role


def has_role(*, user, project: Project, role: str) -> bool:
    current = role_of(user=user, project=project)
    return current is not None and ROLE_RANK[current] >= ROLE_RANK[role]


def require_role(*, user, project: Project, role: str) -> str:
    """Return the user's role in the project or raise 403 (member without the role, or not a member)."""
    current = role_of(user=user, project=project)
    if current is None:
        raise PermissionDenied("You are not a member of this project.")
    if ROLE_RANK[current] < ROLE_RANK[role]:
        raise PermissionDenied(f"This needs the {role} role in project {project.slug}; you are {current}.")
    return current


def project_for(*, user, project_id, role: str = Role.ANNOTATOR) -> Project:
    """Fetch a project by id and check the user's role in it (404 when it does not exist)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise NotFound("No such project.")
    require_role(user=user, project=project, role=role)
    return project


class IsSiteAdmin(BasePermission):
    message = "Only site administrators may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
