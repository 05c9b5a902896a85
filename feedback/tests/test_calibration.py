"""A project's quality calibrator refitted from its outcomes, published to the decode step; the review queue's
figure is the calibrated quality."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry

from annotator.selectors.review import review_queue
from feedback import services
from feedback.models import QualityCalibrator
from feedback.services.calibration import quality_outcomes, quality_refit
from feedback.tests.fixtures import building_geometries
from inference.calibration import default_calibrator
from inference.evaluation import expected_calibration_error
from inference.models import MaskProposal
from inference.scoring import FEATURES
from inference.services.quality import quality_cache_clear, quality_context


def _features(rng, share: float) -> dict:
    return {"piou": float(rng.uniform(0.85, 1.0)), "stability": float(rng.uniform(0.85, 0.98)), "share": share,
            "border": 0.0, "pos_in": 1.0, "neg_out": 1.0, "size_z": 0.0, "size_known": 0.0, "single": 0.0,
            "clicks": 0.0, "parts": 1}


def _proposal(env, geometry: dict, features: dict) -> MaskProposal:
    row = np.array([[features[k] for k in FEATURES]])
    multi = shapely.geometry.MultiPolygon([shapely.geometry.shape(geometry)])
    return MaskProposal.objects.create(
        project=env["project"], scene=env["scene"], model_version=env["base"], prompt={}, window={},
        geometry=GEOSGeometry(json.dumps(shapely.geometry.mapping(multi)), srid=4326),
        predicted_iou=features["piou"], quality=float(default_calibrator().predict(row)[0]), features=features,
        latency_ms=1.0)


def _refitted(env, *, outcomes: int, timeout: float = 120) -> QualityCalibrator:
    """The project's calibrator row once a worker has refitted it on ``outcomes`` outcomes."""
    deadline = time.monotonic() + timeout
    while True:
        row = QualityCalibrator.objects.filter(project=env["project"], model_version=env["base"]).first()
        if (row is not None and row.n_outcomes == outcomes) or time.monotonic() > deadline:
            assert row is not None, "no refit reached the database"
            return row
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_project_outcomes_refit_the_calibrator_and_reach_the_decode_step(project_env, settings, celery_worker,
                                                                         django_capture_on_commit_callbacks):
    settings.GEOLOOP_CALIBRATION_MIN_OUTCOMES = 20
    env = project_env
    user = env["users"]["annotator"]
    quality_cache_clear()
    rng = np.random.default_rng(0)
    geoms = building_geometries()
    proposals = []
    # this project's reality: the model's answers are rarely what the annotators want (1 in 10 kept as is, the
    # smallest ones), whatever the model and the default calibrator think of them
    for i in range(30):
        share = float(rng.uniform(0.0, 0.4))
        proposals.append((_proposal(env, geoms[i % len(geoms)], _features(rng, share)), share))
    with django_capture_on_commit_callbacks(execute=True):
        for p, share in proposals[:10]:
            services.proposal_reject(proposal=p, user=user) if share > 0.04 else services.proposal_accept(
                proposal=p, label_class=None, user=user)
    assert not QualityCalibrator.objects.filter(project=env["project"]).exists()  # 10 < 20 outcomes: default
    with django_capture_on_commit_callbacks(execute=True):
        for p, share in proposals[10:]:
            services.proposal_reject(proposal=p, user=user) if share > 0.04 else services.proposal_accept(
                proposal=p, label_class=None, user=user)
    row = _refitted(env, outcomes=30)  # refits run on the worker
    assert row.n_outcomes == 30
    assert row.ece_after < row.ece_before

    x, y = quality_outcomes(project_id=env["project"].pk, version_id=env["base"].pk)
    assert x.shape == (30, len(FEATURES))
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert 0 < y.sum() < 10
    quality_cache_clear()  # another process: reads what was published to Redis
    calibrator, _prior = quality_context(project_id=env["project"].pk, version_id=env["base"].pk)
    assert calibrator.meta.get("source") == "project outcomes"
    assert calibrator.meta.get("n") == 30
    q = calibrator.predict(x)
    assert np.all((q >= 0) & (q <= 1))
    assert expected_calibration_error(q, y) < expected_calibration_error(default_calibrator().predict(x), y)
    assert q.mean() == pytest.approx(y.mean(), abs=0.1)  # what this project's annotators keep, not the default's
    # monotone in the default ranker's output: a proposal the ranker likes more never gets a lower quality
    order = np.argsort(calibrator.raw(x))
    assert np.all(np.diff(q[order]) >= -1e-12)
    # another project is untouched
    other, _ = quality_context(project_id=env["project"].pk + 1000, version_id=env["base"].pk)
    assert other.meta.get("source") != "project outcomes"


@pytest.mark.django_db
def test_accepted_annotation_carries_the_calibrated_quality_and_the_queue_sorts_by_it(project_env):
    env = project_env
    rng = np.random.default_rng(1)
    geoms = building_geometries()
    made = []
    for i, quality in enumerate((0.8, 0.15, 0.5)):
        p = _proposal(env, geoms[i], _features(rng, 0.1))
        p.predicted_iou, p.quality = 0.99, quality  # the model's own figure says "all good" for every one
        p.save(update_fields=["predicted_iou", "quality"])
        annotation, _ = services.proposal_accept(proposal=p, label_class=None, user=env["users"]["annotator"])
        assert annotation.predicted_quality == pytest.approx(p.quality)
        made.append((p.quality, annotation.pk))
    assert len({q for q, _ in made}) == 3
    queue = [a.pk for a in review_queue(project=env["project"])]
    assert queue == [pk for _, pk in sorted(made)]


@pytest.mark.django_db
def test_refit_with_too_few_outcomes_keeps_the_default(project_env):
    env = project_env
    assert quality_refit(project_id=env["project"].pk, version_id=env["base"].pk) is None


def _square(lon: float, lat: float, side_m: float) -> GEOSGeometry:
    """A square of ``side_m`` metres (near the Atlanta sample) as a MultiPolygon in EPSG:4326."""
    dlat = side_m / 111_320.0
    dlon = dlat / np.cos(np.radians(lat))
    poly = shapely.geometry.box(lon, lat, lon + dlon, lat + dlat)
    return GEOSGeometry(shapely.geometry.MultiPolygon([poly]).wkt, srid=4326)


@pytest.mark.django_db
def test_size_prior_is_per_class_with_a_project_wide_fallback(project_env):
    """Prompts carry an optional class; the candidates are scored against that class's accepted sizes when the
    project has enough of them, else against the project-wide distribution."""
    from annotator.models import Annotation, LabelClass
    from feedback.services.calibration import project_size_priors
    from inference.services.errors import PromptInvalid
    from inference.services.proposals.parse import prompt_input_parse

    env = project_env
    quality_cache_clear()
    tree = LabelClass.objects.create(project=env["project"], name="tree")
    building = LabelClass.objects.create(project=env["project"], name="building")
    rare = LabelClass.objects.create(project=env["project"], name="rare")
    lon, lat = -84.38, 33.75
    made = [(tree, s) for s in (3.0, 4.0, 5.0, 4.5)] + [(building, s) for s in (20.0, 25.0, 30.0, 22.0)]
    made += [(rare, 60.0), (None, 10.0)]
    for i, (cls, side) in enumerate(made):
        Annotation.objects.create(project=env["project"], scene=env["scene"], label_class=cls,
                                  geometry=_square(lon + i * 1e-3, lat, side))
    priors = project_size_priors(project_id=env["project"].pk)
    assert set(priors.classes) == {tree.pk, building.pk}  # "rare" has one annotation: no distribution of its own
    tree_m2 = np.exp(priors.classes[tree.pk].mean_log)
    building_m2 = np.exp(priors.classes[building.pk].mean_log)
    assert 9 < tree_m2 < 25 < 400 < building_m2 < 900
    assert priors.all is not None
    assert priors.all.n == len(made)

    quality_refit(project_id=env["project"].pk, version_id=env["base"].pk)  # publishes the priors
    quality_cache_clear()  # as another process would read them
    ctx = {"project_id": env["project"].pk, "version_id": env["base"].pk}
    assert quality_context(**ctx, label_class_id=tree.pk)[1] == priors.classes[tree.pk]
    assert quality_context(**ctx, label_class_id=building.pk)[1] == priors.classes[building.pk]
    assert quality_context(**ctx, label_class_id=rare.pk)[1] == priors.all
    assert quality_context(**ctx)[1] == priors.all
    assert quality_context(**ctx, label_class_id=10**9)[1] == priors.all  # not this project's: no class prior

    body = {"points": [[lon, lat]], "labels": [1], "map_resolution": 0.3}
    assert prompt_input_parse({**body, "label_class": tree.pk}).label_class_id == tree.pk
    assert prompt_input_parse(body).label_class_id is None
    for bad in ("tree", 0, -3, 1.5, True):
        with pytest.raises(PromptInvalid, match="label_class"):
            prompt_input_parse({**body, "label_class": bad})
