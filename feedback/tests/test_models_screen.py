"""The Models screen's endpoints: training settings and schedules (validated, admin only), job detail with its
log tail, the loss curve kept in progress, and two versions compared side by side."""

import numpy as np
import pytest

from feedback.models import TrainingJob
from feedback.services.jobs import CURVE_POINTS, _Reporter
from feedback.services.schedules import crontab_parse
from feedback.tests.fixtures import building_geometries
from inference.evaluation import ObjectResult, iou_curve, object_row, reliability_bins
from inference.models import ModelState, ModelVersion


@pytest.fixture
def no_enqueue(monkeypatch):
    monkeypatch.setattr("feedback.services.jobs._enqueue", lambda job: None)


def _clients(env, client_for):
    return client_for(env["users"]["annotator"]), client_for(env["users"]["admin"]), env["project"].id


# ------------------------------------------------------------------------------------------------ settings


def test_training_settings_are_admin_only_typed_and_validated(project_env, client_for):
    annotator, admin, pid = _clients(project_env, client_for)
    url = f"/api/projects/{pid}/training-settings/"
    assert annotator.get(url).status_code == 403
    assert annotator.patch(url, {"train_steps": 5}, format="json").status_code == 403
    got = admin.get(url).json()
    assert got["settings"]["train_steps"] == 200
    assert got["ranges"]["train_lr"]["max"] == 1e-2
    res = admin.patch(url, {"train_steps": 12, "train_lr": 1e-4, "retrain_every_n": 25, "auto_promote": True,
                            "gate_tolerance_clicks": 1.5}, format="json")
    assert res.status_code == 200, res.json()
    assert res.json()["settings"]["train_steps"] == 12
    assert res.json()["settings"]["retrain_every_n"] == 25
    project_env["project"].refresh_from_db()
    assert project_env["project"].settings["train_lr"] == 1e-4
    assert project_env["project"].settings["auto_promote"]
    # Each bad value is a 400 that names its field, and nothing of the request is written.
    for body, field in (({"train_steps": 0}, "train_steps"), ({"train_lr": 0.5}, "train_lr"),
                        ({"train_max_clicks": 21}, "train_max_clicks"), ({"held_out_share": 1.5}, "held_out_share"),
                        ({"train_steps": "many"}, "train_steps"), ({"auto_promote": "perhaps"}, "auto_promote"),
                        ({"train_steps": 30, "trian_lr": 1e-3}, "trian_lr"),
                        ({"retrain_every_n": -1}, "retrain_every_n")):
        res = admin.patch(url, body, format="json")
        assert res.status_code == 400, (body, res.json())
        assert field in res.json(), (body, res.json())
    assert admin.get(url).json()["settings"]["train_steps"] == 12


def test_settings_service_validates_for_non_api_callers(project_env):
    from core.errors import ValidationFailed
    from feedback.services import training_settings_update

    with pytest.raises(ValidationFailed) as err:
        training_settings_update(project=project_env["project"], user=None, values={"train_lr": float("nan")})
    assert err.value.extra["field"] == "train_lr"
    with pytest.raises(ValidationFailed):
        training_settings_update(project=project_env["project"], user=None, values={"eval_max_clicks": 2.5})
    out = training_settings_update(project=project_env["project"], user=None, values={"eval_max_clicks": 3.0})
    assert out["eval_max_clicks"] == 3
    assert isinstance(out["eval_max_clicks"], int)


# ------------------------------------------------------------------------------------------------ schedules


def test_crontab_parse_names_what_is_wrong():
    assert crontab_parse("30 2 * * 1-5")["day_of_week"] == "1-5"
    for bad in ("", "* * *", "61 * * * *", "0 25 * * *", "0 2 * * funday", "0 2 32 * *", "0 2 * 13 *"):
        with pytest.raises(Exception, match=r"A crontab has five fields|is not valid crontab") as err:
            crontab_parse(bad)
        assert err.value.code == "invalid_schedule", bad
        assert err.value.extra["field"] == "crontab", bad


def test_schedules_made_in_the_app_are_beat_crontabs(project_env, client_for):
    from django_celery_beat.models import PeriodicTask

    annotator, admin, pid = _clients(project_env, client_for)
    url = f"/api/projects/{pid}/training-schedule/"
    assert annotator.get(url).status_code == 403
    assert annotator.put(url, {"preset": "nightly"}, format="json").status_code == 403
    assert admin.get(url).json() == {"schedule": None}
    res = admin.put(url, {"preset": "nightly"}, format="json")
    assert res.status_code == 200, res.json()
    sched = res.json()["schedule"]
    assert sched["crontab"] == "0 2 * * *"
    assert sched["preset"] == "nightly"
    assert sched["enabled"]
    assert sched["next_run_at"]
    assert "T02:00:00" in sched["next_run_at"]
    res = admin.put(url, {"crontab": "15 3 * * 2", "enabled": False}, format="json").json()["schedule"]
    assert res["preset"] == "custom"
    assert not res["enabled"]
    assert res["next_run_at"] is None
    tasks = PeriodicTask.objects.filter(task="feedback.train_scheduled")
    assert tasks.count() == 1  # replaced, not added
    task = tasks.get()
    assert not task.enabled
    assert task.crontab.minute == "15"
    assert task.crontab.day_of_week == "2"
    assert task.args == f"[{pid}]"
    assert admin.put(url, {"crontab": "0 2 * * funday"}, format="json").json()["field"] == "crontab"
    assert "crontab" in admin.put(url, {"preset": "nightly", "crontab": "0 1 * * *"}, format="json").json()
    assert "preset" in admin.put(url, {"preset": "hourly"}, format="json").json()
    assert "crontab" in admin.put(url, {}, format="json").json()
    assert admin.put(url, {"preset": "weekly"}, format="json").json()["schedule"]["crontab"] == "0 2 * * 0"
    assert admin.delete(url).status_code == 204
    assert admin.get(url).json() == {"schedule": None}
    assert not tasks.exists()


def test_nightly_admin_action_uses_the_same_schedule(project_env):
    from feedback.services import training_schedule_get, training_schedule_nightly

    training_schedule_nightly(project=project_env["project"], hour=4, minute=30)
    view = training_schedule_get(project=project_env["project"])
    assert view.crontab == "30 4 * * *"
    assert view.preset == "custom"


# ------------------------------------------------------------------------------------------------ jobs


def test_job_detail_shows_the_log_tail_and_parameters_are_typed(project_env, client_for, no_enqueue):
    annotator, admin, pid = _clients(project_env, client_for)
    bad = admin.post(f"/api/projects/{pid}/training-jobs/", {"parameters": {"steps": 0}}, format="json")
    assert bad.status_code == 400
    assert "steps" in bad.json()["parameters"]
    bad = admin.post(f"/api/projects/{pid}/training-jobs/", {"parameters": {"stepz": 3}}, format="json")
    assert bad.status_code == 400
    assert "stepz" in bad.json()["parameters"]
    res = admin.post(f"/api/projects/{pid}/training-jobs/", {"parameters": {"steps": 3, "eval_max_clicks": 2}},
                     format="json")
    assert res.status_code == 201, res.json()
    job = TrainingJob.objects.get(pk=res.json()["id"])
    assert job.parameters == {"steps": 3, "eval_max_clicks": 2}
    TrainingJob.objects.filter(pk=job.pk).update(log="".join(f"line {i}\n" for i in range(100)))
    assert annotator.get(f"/api/training-jobs/{job.id}/").status_code == 403
    detail = admin.get(f"/api/training-jobs/{job.id}/").json()
    assert detail["log"].splitlines()[-1] == "line 99"
    assert len(detail["log"].splitlines()) == 40
    assert detail["log_lines"] == 100
    assert admin.get("/api/training-jobs/999999/").status_code == 404


def test_reporter_keeps_a_thinned_loss_curve_and_phase_etas(project_env, no_enqueue):
    from feedback.services import training_job_create

    job = training_job_create(project=project_env["project"], enqueue=False)
    steps = 5 * CURVE_POINTS
    rep = _Reporter(job, every_s=0.0, train_total=steps)
    rep.progress({"phase": "dataset", "step": 1, "total": 4, "figure": {"name": "objects read", "value": 1}})
    p = TrainingJob.objects.get(pk=job.pk).progress
    assert p["step"] == 0
    assert p["total"] == steps
    assert p["current"]["step"] == 1
    assert p["current"]["total"] == 4
    assert p["current"]["eta_s"] is not None
    for step in range(1, steps + 1):
        rep.progress({"phase": "train", "step": step, "total": steps, "loss": 1.0 / step, "eta_s": 1.0})
    p = TrainingJob.objects.get(pk=job.pk).progress
    curve = p["curve"]
    assert CURVE_POINTS // 2 <= len(curve) <= CURVE_POINTS
    xs = [pt[0] for pt in curve]
    assert xs == sorted(xs)
    assert xs[-1] >= steps - rep.curve_stride
    assert xs[0] <= 2 * rep.curve_stride
    assert p["current"]["figure"]["value"] == pytest.approx(1.0 / steps)
    rep.progress({"phase": "evaluate", "step": 1, "total": 4, "figure": {"name": "NoC@85", "value": 3.0}})
    p = TrainingJob.objects.get(pk=job.pk).progress
    assert p["phase"] == "evaluate"
    assert p["current"]["eta_s"] is not None
    assert p["current"]["figure"]["value"] == 3.0
    assert p["step"] == steps
    assert p["curve"] == curve


# ------------------------------------------------------------------------------------------------ evaluation parts


def _result(ious, preds, label):
    return ObjectResult(ious=tuple(ious), predicted_ious=tuple(preds), seconds=(0.0,) * len(ious), clicks=(),
                        max_clicks=4, label=label)


def test_curves_bins_and_rows_kept_at_evaluation():
    a = _result([0.5, 0.8, 0.9], [0.6, 0.7, 0.95], "annotation:1")  # stopped after 3 clicks: keeps 0.9
    b = _result([0.2, 0.4, 0.86, 0.88], [0.1, 0.5, 0.8, 0.9], "annotation:2")
    assert iou_curve([a, b]) == [0.35, 0.6, 0.88, 0.89]
    bins = reliability_bins([0.05, 0.15, 0.95, 1.2], [0.0, 0.3, 0.9, 1.0], bins=10)
    assert len(bins) == 10
    assert bins[0]["count"] == 1
    assert bins[1]["mean_actual"] == 0.3
    assert bins[9]["count"] == 2
    assert bins[9]["mean_predicted"] == 0.975
    assert bins[5]["mean_predicted"] is None
    row = object_row(b)
    assert row["NoC@85"] == 3
    assert row["NoC@90"] == 4
    assert row["iou@1"] == 0.2
    assert row["ious"][-1] == 0.88


def test_object_locations_are_stored_in_epsg4326(project_env):
    from feedback.selectors import evaluation_object_locator
    from feedback.services import proposal_accept
    from feedback.tests.fixtures import crowded_objects, proposal_for

    env = project_env
    proposal, final = proposal_for(env["project"], env["scene"], crowded_objects(1)[0], model_version=env["base"])
    annotation, correction = proposal_accept(proposal=proposal, label_class=None, user=env["users"]["annotator"],
                                             final_geometry=final)
    locate = evaluation_object_locator(project=env["project"])
    loc = locate(f"annotation:{annotation.id}")
    w, s, e, n = loc["bbox"]
    assert loc["scene"] == env["scene"].id
    assert w < loc["centroid"][0] < e
    assert s < loc["centroid"][1] < n
    assert -85 < w < -83
    assert 33 < s < 34
    assert locate(f"correction:{correction.id}")["bbox"] == pytest.approx(loc["bbox"], abs=1e-6)
    bench = locate("atlanta:0")
    geom = building_geometries()[0]
    xs = [p[0] for p in np.asarray(geom["coordinates"][0])]
    assert bench["bbox"][0] == pytest.approx(min(xs), abs=1e-6)
    assert locate("annotation:999999") is None
    assert locate("garbage") is None


# ------------------------------------------------------------------------------------------------ compare


def _evaluated(objects, noc85, iou1, curve):
    return {"n_objects": len(objects), "NoC@80": noc85 - 1, "NoC@85": noc85, "NoC@90": noc85 + 1, "mIoU@1": iou1,
            "mIoU@5": iou1 + 0.1, "ece_predicted_iou": 0.1, "iou_curve": curve,
            "reliability": reliability_bins([0.5, 0.9], [0.4, 0.8]), "objects": objects}


def test_compare_two_versions_side_by_side(project_env, client_for):
    annotator, admin, pid = _clients(project_env, client_for)
    base = project_env["base"]
    loc = {"scene": project_env["scene"].id, "bbox": [-84.4, 33.7, -84.39, 33.71], "centroid": [-84.395, 33.705]}
    base_rows = [{"label": "annotation:1", "NoC@85": 5, "NoC@90": 7, "iou@1": 0.5, "iou@5": 0.8, "location": loc},
                 {"label": "annotation:2", "NoC@85": 3, "NoC@90": 4, "iou@1": 0.7, "iou@5": 0.9, "location": None}]
    cand_rows = [{**base_rows[0], "NoC@85": 2, "iou@1": 0.75}, {**base_rows[1], "NoC@85": 4}]
    cand = ModelVersion.objects.create(
        name="cand", architecture="vit_t", checkpoint_path=base.checkpoint_path,
        checkpoint_sha256=base.checkpoint_sha256, parent=base, project=project_env["project"],
        state=ModelState.CANDIDATE,
        metrics={"held_out": _evaluated(cand_rows, 3.0, 0.72, [0.72, 0.85]),
                 "baseline": {"version": base.id, "held_out": _evaluated(base_rows, 4.0, 0.6, [0.6, 0.8])},
                 "gate": {"promote": True, "reasons": ["held-out NoC@85 improved 4.000 -> 3.000"], "deltas": {}}})
    url = f"/api/projects/{pid}/model-versions/pair/?a={base.id}&b={cand.id}"
    assert annotator.get(url).status_code == 403
    res = admin.get(url)
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["paired"]
    assert body["a"]["id"] == base.id
    assert body["b"]["gate"]["promote"]
    assert body["b"]["gate"]["reasons"] == ["held-out NoC@85 improved 4.000 -> 3.000"]
    held = body["splits"]["held_out"]
    assert held["deltas"]["NoC@85"] == -1.0
    assert held["deltas"]["mIoU@1"] == pytest.approx(0.12)
    assert held["a"]["iou_curve"] == [0.6, 0.8]
    assert held["b"]["figures"]["NoC@85"] == 3.0
    assert held["a"]["reliability"][5]["count"] == 1
    first = next(o for o in held["objects"] if o["label"] == "annotation:1")
    assert first["delta"]["NoC@85"] == -3
    assert first["location"]["bbox"] == loc["bbox"]
    # The other order reads the same run, deltas flipped.
    flipped = admin.get(f"/api/projects/{pid}/model-versions/pair/?a={cand.id}&b={base.id}").json()
    assert flipped["paired"]
    assert flipped["splits"]["held_out"]["deltas"]["NoC@85"] == 1.0
    assert admin.get(f"/api/projects/{pid}/model-versions/pair/?a={base.id}").status_code == 400
    assert admin.get(f"/api/projects/{pid}/model-versions/pair/?a={base.id}&b=999999").status_code == 404
