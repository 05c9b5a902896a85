"""Training settings of a project (the every-N-corrections threshold, steps, learning rate, clicks, gate
tolerances, auto-promotion), validated against :data:`feedback.selectors.TRAINING_SETTINGS` and written through
annotator's project services."""

from __future__ import annotations

import math

from annotator.services.projects import project_settings_merge
from core.errors import ValidationFailed
from feedback.selectors import TRAINING_SETTINGS, training_settings_get


class SettingInvalid(ValidationFailed):
    """A training setting out of range or of the wrong type; ``extra["field"]`` names it."""

    code = "invalid_setting"


def _coerce(key: str, value):
    kind, lo, hi, what = TRAINING_SETTINGS[key]
    if kind == "bool":
        if not isinstance(value, bool):
            raise SettingInvalid(f"{key} ({what}) must be true or false.", extra={"field": key})
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingInvalid(f"{key} ({what}) must be a number.", extra={"field": key})
    if kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise SettingInvalid(f"{key} ({what}) must be a whole number.", extra={"field": key})
        value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise SettingInvalid(f"{key} ({what}) must be a finite number.", extra={"field": key})
    if not lo <= value <= hi:
        raise SettingInvalid(f"{key} ({what}) must be between {lo:g} and {hi:g}; got {value:g}.", extra={"field": key})
    return value


def training_settings_update(*, project, user, values: dict) -> dict:
    """Set some training settings (the others kept); every value is checked before any is written.
    Returns the effective settings."""
    unknown = sorted(set(values) - set(TRAINING_SETTINGS))
    if unknown:
        known = sorted(TRAINING_SETTINGS)
        raise SettingInvalid(f"Unknown training setting {unknown[0]!r}; the known ones are: {', '.join(known)}.",
                             extra={"field": unknown[0], "unknown": unknown, "known": known})
    clean = {key: _coerce(key, value) for key, value in values.items()}
    if clean:
        project_settings_merge(project=project, user=user, values=clean, action="training.settings")
    return training_settings_get(project=project)
