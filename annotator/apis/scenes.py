"""Scenes: list, upload, register from the imagery folder, read, edit; and their Web Mercator tiles.

Tiles answer fast: one primary-key query for the scene (then cached a moment per process), one membership lookup
(cached a few seconds per user and project), an ETag from checksum + recipe + z/x/y checked before any pixel is read,
and a rio-tiler Reader kept open per thread.
"""

import re
import threading
import time

from django.conf import settings
from django.http import HttpResponse
from django.urls import path, re_path
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.imagery import InvalidTile, TileOutsideBounds
from annotator.imagery.tiles import MEDIA_TYPES, render_tile, tile_check, zoom_range
from annotator.models import ROLE_RANK, Membership, Role, Scene, SceneStatus
from annotator.permissions import project_for, require_role
from annotator.selectors.scenes import scene_get, scene_list, scene_tile_source
from annotator.services import scenes as services
from webapp.errors import NotReady, ValidationFailed

TILES_URL = "/api/scenes/{id}/tiles/{{z}}/{{x}}/{{y}}.png"
TILE_CACHE_CONTROL = "private, no-cache"  # always revalidate: the ETag changes when the render recipe does
MULTIPART_SLACK = 64 * 1024


def _bounds(scene: Scene) -> list[float] | None:
    if scene.footprint is None:
        return None
    return [round(v, 9) for v in scene.footprint.extent]


def _nodata(value):
    return None if value is None or value != value else value  # NaN is not JSON


def scene_out(scene: Scene) -> dict:
    """The scene JSON the front end relies on."""
    minzoom, maxzoom = zoom_range(scene.crs, tuple(scene.transform or ()), scene.width, scene.height)
    return {
        "id": scene.id,
        "name": scene.name,
        "status": scene.status,
        "status_reason": scene.status_reason,
        "progress": scene.progress,
        "width": scene.width,
        "height": scene.height,
        "band_count": scene.band_count,
        "dtype": scene.dtype,
        "crs": scene.crs,
        "gsd": scene.gsd,
        "nodata": _nodata(scene.nodata),
        "bounds": _bounds(scene),
        "footprint": {"type": "Polygon", "coordinates": scene.footprint.coords} if scene.footprint else None,
        "render_recipe": scene.render_recipe,
        "tiles_url": TILES_URL.format(id=scene.id),
        "minzoom": minzoom,
        "maxzoom": maxzoom,
    }


def _scene_for(request, scene_id: int, role: str) -> Scene:
    scene = scene_get(scene_id=scene_id)
    if scene is None:
        raise NotFound("No such scene.")
    require_role(user=request.user, project=scene.project, role=role)
    return scene


class SceneListApi(GeoLoopApi):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    def get(self, request, project_id: int):
        project = project_for(user=request.user, project_id=project_id)
        return Response([scene_out(scene) for scene in scene_list(project=project)])

    def post(self, request, project_id: int):
        project = project_for(user=request.user, project_id=project_id, role=Role.ADMIN)
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.UPLOAD_MAX_BYTES + MULTIPART_SLACK:  # refuse before reading the body
            raise services._too_large(settings.UPLOAD_MAX_BYTES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scene = services.scene_create_from_upload(project=project, uploaded_file=data.validated_data["file"],
                                                  name=data.validated_data["name"], user=request.user)
        return Response(scene_out(scene), status=status.HTTP_202_ACCEPTED)


class SceneRegisterApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        path = serializers.CharField(max_length=1000)
        name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    def post(self, request, project_id: int):
        project = project_for(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scene = services.scene_create_from_path(project=project, user=request.user, **data.validated_data)
        return Response(scene_out(scene), status=status.HTTP_202_ACCEPTED)


class SceneDetailApi(GeoLoopApi):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        render_recipe = serializers.DictField(required=False)

    def get(self, request, scene_id: int):
        return Response(scene_out(_scene_for(request, scene_id, Role.ANNOTATOR)))

    def patch(self, request, scene_id: int):
        scene = _scene_for(request, scene_id, Role.ADMIN)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        scene = services.scene_update(scene=scene, user=request.user, **data.validated_data)
        return Response(scene_out(scene))


class _AnyAccept(DefaultContentNegotiation):
    """Tiles are images; an `Accept: image/png` client must still get a JSON error body, not 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Exception:  # noqa: BLE001 - NotAcceptable: fall back to the first renderer
            return renderers[0], renderers[0].media_type


class _TtlCache:
    """A small per-process cache whose entries expire after `ttl` seconds (cleared whole when full)."""

    def __init__(self, ttl: float, size: int = 4096):
        self.ttl, self.size = ttl, size
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key, default=None):
        item = self._items.get(key)
        if item is not None and time.monotonic() - item[0] < self.ttl:
            return item[1]
        return default

    def put(self, key, value) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


AUTH_TTL_S = 10.0
_token_users = _TtlCache(AUTH_TTL_S)
_session_users = _TtlCache(AUTH_TTL_S)


class _CachedTokenAuthentication(TokenAuthentication):
    """Token auth that remembers a token's user for AUTH_TTL_S seconds, so a warm tile request needs no database
    (each ASGI request runs on a fresh thread, and a fresh thread means a fresh database connection).
    A revoked token or deactivated user still sees tiles for at most that long."""

    def authenticate_credentials(self, key):
        cached = _token_users.get(key)
        if cached is not None:
            return cached
        result = super().authenticate_credentials(key)
        _token_users.put(key, result)
        return result


class _CachedSessionAuthentication(SessionAuthentication):
    """Session auth that remembers a session's user for AUTH_TTL_S seconds (tiles are read-only: no CSRF)."""

    def authenticate(self, request):
        session_key = request._request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key:
            cached = _session_users.get(session_key)
            if cached is not None:
                return cached
        result = super().authenticate(request)
        if result is not None and session_key:
            _session_users.put(session_key, result)
        return result


ROLE_TTL_S = 5.0
_roles: dict[tuple[int, int], tuple[float, str | None]] = {}
_roles_lock = threading.Lock()


def _tile_role(user, project_id: int) -> str | None:
    """The user's role in the project: staff are admins; members are looked up once per ROLE_TTL_S seconds."""
    if user.is_staff:
        return Role.ADMIN
    key = (user.pk, project_id)
    now = time.monotonic()
    cached = _roles.get(key)
    if cached is not None and now - cached[0] < ROLE_TTL_S:
        return cached[1]
    role = Membership.objects.filter(project_id=project_id, user_id=user.pk).values_list("role", flat=True).first()
    with _roles_lock:
        if len(_roles) > 4096:
            _roles.clear()
        _roles[key] = (now, role)
    return role


_INT = re.compile(r"^(0|[1-9][0-9]{0,9})$")
_LAST = re.compile(r"^(0|[1-9][0-9]{0,9})\.(png|webp)$")


def _etag_matches(header: str, etag: str) -> bool:
    if not header:
        return False
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


class SceneTileApi(GeoLoopApi):
    authentication_classes = [_CachedTokenAuthentication, _CachedSessionAuthentication]  # token first: 401
    content_negotiation_class = _AnyAccept

    def get(self, request, scene_id: int, z: str, x: str, y: str):
        last = _LAST.match(y)
        if not (_INT.match(z) and _INT.match(x) and last):
            raise ValidationFailed("Malformed tile address: use /tiles/{z}/{x}/{y}.png or .webp with whole numbers.")
        tz, tx, ty, fmt = int(z), int(x), int(last.group(1)), last.group(2)
        try:
            tile_check(tz, tx, ty, fmt)
        except InvalidTile as exc:
            raise ValidationFailed(str(exc)) from exc
        source = scene_tile_source(scene_id=int(scene_id))
        if source is None:
            raise NotFound("No such scene.")
        role = _tile_role(request.user, source.project_id)
        if role is None:
            raise PermissionDenied("You are not a member of this project.")
        if ROLE_RANK[role] < ROLE_RANK[Role.ANNOTATOR]:
            raise PermissionDenied("This needs the annotator role.")
        if source.status != SceneStatus.READY:
            raise NotReady("The scene is not ready yet.")
        etag = f'"{source.version}-{tz}-{tx}-{ty}-{fmt}"'
        headers = {"ETag": etag, "Cache-Control": TILE_CACHE_CONTROL, "Vary": "Cookie, Authorization"}
        if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
            return HttpResponse(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        try:
            body = render_tile(source.cog_file, tz, tx, ty, source.recipe, fmt)
        except TileOutsideBounds as exc:
            raise NotFound(str(exc)) from exc
        return HttpResponse(body, content_type=MEDIA_TYPES[fmt], headers=headers)


urlpatterns = [
    path("projects/<int:project_id>/scenes/", SceneListApi.as_view(), name="scene-list"),
    path("projects/<int:project_id>/scenes/register/", SceneRegisterApi.as_view(), name="scene-register"),
    path("scenes/<int:scene_id>/", SceneDetailApi.as_view(), name="scene-detail"),
    re_path(r"^scenes/(?P<scene_id>[0-9]+)/tiles/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)$", SceneTileApi.as_view(),
            name="scene-tile"),
]
