"""Show why (issue 16 item 5): the answer's candidates with their calibrated quality, the window the model saw, the
uncertainty overlay on the window's grid, and the candidate the annotator kept recorded as feedback. Real
MobileSAM, a real Celery worker encoding the window, real PostGIS and Redis."""

from __future__ import annotations

import io

import numpy as np
import pytest
import shapely
from affine import Affine
from PIL import Image
from rest_framework.test import APIClient
from shapely.geometry import shape

from core.geo import reproject
from feedback.models import Correction, Outcome
from inference.masks import rasterize_geometry
from inference.models import MaskProposal
from inference.sam import LOW_RES_SIZE
from inference.tests.django_fixtures import buildings, click_in, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _client(world, who: str = "ann") -> APIClient:  # noqa: F811
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[who]}")
    return client


def _prompt(client: APIClient, world, building: int) -> dict:  # noqa: F811
    body = {"points": [click_in(buildings()[building])], "labels": [1], "map_resolution": 0.125}
    res = client.post(f"/api/scenes/{world.scene.pk}/prompt/", body, format="json")
    assert res.status_code == 200, res.content
    return res.json()


def _edge(mask: np.ndarray) -> np.ndarray:
    """Pixels of the mask with a 4-neighbour outside it, and outside pixels with one inside: the outline."""
    pad = np.pad(mask, 1, mode="edge")
    differs = np.zeros_like(mask)
    for dr, dc in ((0, 1), (2, 1), (1, 0), (1, 2)):
        differs |= pad[dr:dr + mask.shape[0], dc:dc + mask.shape[1]] != mask
    return differs


def _far_from(edge: np.ndarray, steps: int) -> np.ndarray:
    near = edge.copy()
    for _ in range(steps):
        pad = np.pad(near, 1)
        near = near | pad[:-2, 1:-1] | pad[2:, 1:-1] | pad[1:-1, :-2] | pad[1:-1, 2:]
    return ~near


def test_answer_shows_candidates_window_and_uncertainty(world, celery_worker):  # noqa: F811
    client = _client(world)
    out = _prompt(client, world, 1)

    # three candidates: the answer first (its polygon is the answer's), the other multimask outputs after it
    candidates = out["candidates"]
    assert len(candidates) == 3
    assert [c["index"] for c in candidates] == [0, 1, 2]
    assert candidates[0]["chosen"]
    assert candidates[0]["geometry"] is None
    assert candidates[0]["quality"] == out["quality"]
    assert sorted(c["token"] for c in candidates) == [1, 2, 3]  # a lone click: SAM's three multimask outputs
    for c in candidates:
        assert 0.0 <= c["quality"] <= 1.0
    # the same calibrator chose the answer among them: nothing it rejected scores higher
    assert all(c["quality"] <= candidates[0]["quality"] for c in candidates[1:])
    others = [c for c in candidates[1:] if c["geometry"] is not None]
    assert others, "no alternative candidate had a mask"
    for c in others:
        assert c["geometry"]["type"] == "MultiPolygon"
        assert shape(c["geometry"]).is_valid
    stored = MaskProposal.objects.get(pk=out["proposal_id"])
    assert [c["token"] for c in stored.candidates] == [c["token"] for c in candidates]

    # the window the model saw: its four corners, inside its bounds box, and the answer lies inside it
    window = out["window"]
    outline = shapely.Polygon(window["outline"])
    lon0, lat0, lon1, lat1 = window["bounds"]
    assert outline.bounds == pytest.approx((lon0, lat0, lon1, lat1), abs=1e-9)
    assert outline.buffer(1e-9).contains(shape(out["geometry"]))

    # the uncertainty overlay: a PNG on the window's low-res grid, unsure along the answer's outline
    res = client.get(f"/api/proposals/{out['proposal_id']}/uncertainty.png")
    assert res.status_code == 200, res.content
    assert res["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(res.content))
    assert image.size == (LOW_RES_SIZE, LOW_RES_SIZE)
    alpha = np.asarray(image.convert("RGBA"))[..., 3].astype(np.float64)
    w = stored.window
    grid = Affine(*w["transform"][:6]) * Affine.scale(w["size"] / LOW_RES_SIZE)
    burnt = rasterize_geometry(out["geometry"], transform=grid, shape=(LOW_RES_SIZE, LOW_RES_SIZE), crs=w["crs"])
    assert burnt.any()
    edge = _edge(burnt)
    far = _far_from(edge, 6)
    print(f"uncertainty alpha: outline {alpha[edge].mean():.1f}, 6+ px away {alpha[far].mean():.1f}, "
          f"png {len(res.content)} B, candidates {len(str(candidates))} chars")
    assert alpha[edge].mean() > 3 * alpha[far].mean()  # a grid off by a flip or a shift would not line up

    # another user's proposal is not shown; an unknown one is 404
    assert _client(world, "out").get(f"/api/proposals/{out['proposal_id']}/uncertainty.png").status_code == 403
    assert client.get("/api/proposals/99999999/uncertainty.png").status_code == 404


def test_keeping_another_candidate_is_recorded(world, celery_worker):  # noqa: F811
    client = _client(world)
    out = _prompt(client, world, 0)
    pid = out["proposal_id"]
    alternative = next(c for c in out["candidates"][1:] if c["geometry"] is not None)

    # a candidate the proposal never offered: a clear 400, nothing stored
    res = client.post(f"/api/proposals/{pid}/accept/", {"candidate": 7}, format="json")
    assert res.status_code == 400, res.content
    assert "candidate 7" in res.json()["detail"]
    assert not Correction.objects.filter(proposal_id=pid).exists()

    res = client.post(f"/api/proposals/{pid}/accept/", {"candidate": alternative["index"]}, format="json")
    assert res.status_code == 201, res.content
    assert res.json()["correction"]["kept_candidate"] == alternative["index"]
    correction = Correction.objects.select_related("annotation").get(proposal_id=pid)
    assert correction.kept_candidate == alternative["index"]
    kept = shape(alternative["geometry"])
    stored = shapely.from_wkt(correction.annotation.geometry.wkt)
    crs = world.scene.crs
    a, b = reproject(kept, "EPSG:4326", crs), reproject(stored, "EPSG:4326", crs)
    assert a.intersection(b).area / a.union(b).area > 0.99  # the kept candidate's polygon, not the answer's
    assert correction.outcome == (Outcome.EDITED if correction.iou < 0.999 else Outcome.ACCEPTED)

    # keeping the answer itself records candidate 0
    out2 = _prompt(client, world, 3)
    res = client.post(f"/api/proposals/{out2['proposal_id']}/accept/", {}, format="json")
    assert res.status_code == 201, res.content
    assert Correction.objects.get(proposal_id=out2["proposal_id"]).kept_candidate == 0
