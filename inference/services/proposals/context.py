"""A socket's scene and model version, reused while their rows are unchanged (the fingerprint query)."""

from __future__ import annotations

from dataclasses import dataclass

from inference.models import MaskProposal, ModelVersion
from inference.services.errors import SceneNotReady
from inference.services.proposals.prepare import _version


@dataclass
class PromptContext:
    """A socket's scene and resolved model version, reused by its next prompts while the database rows they came
    from are unchanged (see :func:`prompt_context`)."""

    scene: object = None
    version: ModelVersion | None = None
    requested: int | None = None
    fingerprint: tuple | None = None
    hits: int = 0


def _context_sql() -> str:
    from annotator.models import Scene

    scenes, versions = Scene._meta.db_table, ModelVersion._meta.db_table
    proposals = MaskProposal._meta.db_table
    # the version a prompt resolves to: the requested one when the project may use it, else the project's active
    # one (latest promoted), else the global active one — the same choice as inference.selectors
    return f"""
        WITH s AS (SELECT * FROM {scenes} WHERE id = %(scene)s),
        v AS (
            SELECT mv.id, md5(mv::text) AS h FROM {versions} mv, s
            WHERE (mv.project_id IS NULL OR mv.project_id = s.project_id)
              AND mv.id = CASE WHEN %(req)s::bigint IS NOT NULL THEN %(req)s::bigint ELSE COALESCE(
                (SELECT o.id FROM {versions} o WHERE o.project_id = s.project_id AND o.state = %(active)s
                 ORDER BY o.promoted_at DESC, o.id DESC LIMIT 1),
                (SELECT g.id FROM {versions} g WHERE g.project_id IS NULL AND g.state = %(active)s
                 ORDER BY g.id DESC LIMIT 1)) END)
        SELECT (SELECT md5(s::text) FROM s), (SELECT id FROM v), (SELECT h FROM v),
               nextval(pg_get_serial_sequence('{proposals}', 'id'))"""


def prompt_context(*, scene_id: int, requested: int | None, cached: PromptContext | None = None, scene=None
                   ) -> tuple[object, ModelVersion, int, PromptContext]:
    """The scene, the model version a prompt uses and a reserved ``MaskProposal`` id, in one database round trip
    when ``cached`` (the socket's last context) still matches: the query returns a hash of the scene's row and of
    the resolved version's row (any change to either — a recipe edit, a status change, a newly promoted version,
    even through ``QuerySet.update`` — reloads them with the usual checks). Returns (scene, version, proposal
    id, context to keep). ``scene``: the scene row the caller has just read (the REST view, for its access check),
    used instead of reading it again when there is no matching context."""
    from django.db import connection

    from annotator.selectors.scenes import scene_get
    from inference.models import ModelState

    with connection.cursor() as cur:
        cur.execute(_context_sql(), {"scene": scene_id, "req": requested, "active": ModelState.ACTIVE.value})
        scene_hash, version_id, version_hash, proposal_id = cur.fetchone()
    if scene_hash is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    fingerprint = (scene_hash, version_id, version_hash)
    if (cached is not None and cached.fingerprint == fingerprint and cached.requested == requested
            and version_id is not None):
        cached.hits += 1
        assert cached.version is not None  # cached only with a resolved version (version_id above)
        return cached.scene, cached.version, proposal_id, cached
    if scene is None or scene.pk != scene_id:
        scene = scene_get(scene_id=scene_id)
    if scene is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    version = _version(scene, requested)
    return scene, version, proposal_id, PromptContext(scene=scene, version=version, requested=requested,
                                                      fingerprint=fingerprint)
