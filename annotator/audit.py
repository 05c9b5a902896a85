"""The audit trail: who did what, when, from which client."""

from contextvars import ContextVar

from annotator.models import AuditEvent

# Set per request/socket by the API layer so services can record the client without passing it everywhere.
current_client: ContextVar[str] = ContextVar("geoloop_client", default="")


def client_of_request(request) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    address = request.META.get("REMOTE_ADDR", "")
    return f"{agent} @ {address}".strip()


def audit_record(*, user, project, action: str, obj, details: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        project=project,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        details=details or {},
        client=current_client.get(),
    )
