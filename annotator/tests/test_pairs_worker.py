"""A pair created over HTTP whose grids differ is resampled by the real Celery worker (queue `default`)."""

import io
import time
import zipfile

import numpy as np
import pytest
import rasterio
from django.contrib.auth import get_user_model
from rasterio.io import MemoryFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotator.media import media_path
from annotator.models import LabelClass, Membership, PairStatus, Project, Role, ScenePair
from annotator.tests.test_pairs import X0, Y0, ingest, square, value_of, write_raster

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_resamples_a_pair_created_over_the_api(celery_worker, tmp_path):
    user = get_user_model().objects.create_user("pair-admin", password="pw")
    project = Project.objects.create(slug="pairs-worker", name="Pairs")
    Membership.objects.create(project=project, user=user, role=Role.ADMIN)
    before = ingest(project, write_raster(tmp_path / "b.tif", origin=(X0, Y0), pixel=1.0, width=120, height=120),
                    "before")
    after = ingest(project, write_raster(tmp_path / "a.tif", origin=(X0 + 20, Y0 - 20), pixel=2.0, width=50,
                                         height=50), "after")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.post(f"/api/projects/{project.id}/pairs/", {"before": before.id, "after": after.id},
                           format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "resampling"
    assert response.json()["grid_differences"] == ["resolution"]
    deadline = time.monotonic() + 120
    pair = ScenePair.objects.get(pk=response.json()["id"])
    while pair.status == PairStatus.RESAMPLING and time.monotonic() < deadline:
        time.sleep(0.5)
        pair.refresh_from_db()
    assert pair.status == PairStatus.READY, pair.status_reason
    assert pair.progress == 1.0
    with rasterio.open(media_path(pair.after_cog_path)) as src:
        assert (src.width, src.height) == (100, 100)
        rows, cols = np.mgrid[0:100, 0:100]
        np.testing.assert_array_equal(src.read(1), value_of(rows // 2, cols // 2))
    assert client.get(f"/api/pairs/{pair.id}/").json()["status"] == "ready"

    # a change annotation, then the change_masks export through the export worker, read back from the archive
    built = LabelClass.objects.create(project=project, name="built")
    made = client.post(f"/api/pairs/{pair.id}/changes/", {"after_geometry": square(30, 30), "label_class": built.id},
                       format="json")
    assert made.status_code == 201, made.content
    job = client.post(f"/api/projects/{project.id}/exports/", {"format": "change_masks"}, format="json")
    assert job.status_code == 202, job.content
    detail = job.json()
    deadline = time.monotonic() + 120
    while detail["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        detail = client.get(f"/api/exports/{detail['id']}/").json()
    assert detail["status"] == "succeeded", detail
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/api/exports/{detail['id']}/download/")
                                                  .streaming_content)))
    name = next(n for n in archive.namelist() if n.startswith("change_masks/pair_") and n.endswith(".tif"))
    with MemoryFile(archive.read(name)) as memory, memory.open() as mask:
        assert tuple(mask.transform.to_gdal()) == tuple(pair.grid_transform)
        change = mask.read(1)
    # square(30, 30) is metres 30..40 east and south of the origin; the grid starts 20 m in
    assert change[10:20, 10:20].min() == 1
    assert np.count_nonzero(change) == 100
