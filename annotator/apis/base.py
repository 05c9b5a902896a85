"""What every GeoLoop API view shares: the client is recorded for the audit trail; conditional GETs match ETags
the same way everywhere."""

from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from annotator.audit import client_of_request, current_client
from annotator.permissions import user_is_site_admin


class GeoLoopApi(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        current_client.set(client_of_request(request))


class IsSiteAdmin(BasePermission):
    """DRF's face of `annotator.permissions.user_is_site_admin`, for views only site staff may use."""

    message = "Only site administrators may do this."

    def has_permission(self, request, view) -> bool:
        return user_is_site_admin(request.user)


def etag_matches(request, etag: str) -> bool:
    """Whether the request's If-None-Match names ``etag`` (or ``*``); weak and strong forms compare alike (RFC 9110
    says If-None-Match uses the weak comparison)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)
