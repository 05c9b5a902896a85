"""Training parameters and settings: an unknown key is a 400 that names it and lists the known ones."""

import pytest

from core.errors import ValidationFailed
from feedback.selectors import TRAINING_SETTINGS


def test_unknown_training_keys_are_refused_listing_the_known_ones(project_env, client_for):
    admin = client_for(project_env["users"]["admin"])
    pid = project_env["project"].id
    bad = admin.post(f"/api/projects/{pid}/training-jobs/", {"parameters": {"stepz": 3, "lr": 1e-4}}, format="json")
    assert bad.status_code == 400
    message = " ".join(bad.json()["parameters"]["stepz"])
    assert "Unknown field 'stepz'" in message
    for known in ("steps", "lr", "max_clicks", "seed"):
        assert known in message
    res = admin.patch(f"/api/projects/{pid}/training-settings/", {"trian_lr": 1e-3}, format="json")
    assert res.status_code == 400
    message = " ".join(res.json()["trian_lr"])
    assert all(key in message for key in TRAINING_SETTINGS)


def test_the_settings_service_lists_the_known_keys_too(project_env):
    from feedback.services import training_settings_update

    with pytest.raises(ValidationFailed) as err:
        training_settings_update(project=project_env["project"], user=None, values={"train_stepz": 3})
    assert err.value.extra["field"] == "train_stepz"
    assert err.value.extra["known"] == sorted(TRAINING_SETTINGS)
    assert "train_steps" in err.value.message
