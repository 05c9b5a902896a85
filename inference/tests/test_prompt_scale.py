"""A prompt's scale in a script's terms (object size in metres, window level) or the browser's (map resolution):
one parser for the socket and REST, and the level each asks for on a scene."""

from types import SimpleNamespace

import pytest

from inference.services.errors import PromptInvalid
from inference.services.proposals.parse import Scale, prompt_input_parse, scale_parse
from inference.services.proposals.prepare import scale_level
from inference.windows import level_for_object_size

POINT = {"points": [[-84.4, 33.7]], "labels": [1]}


def scene(width=900, height=900, gsd=0.5):
    return SimpleNamespace(pk=1, width=width, height=height, gsd=gsd, transform=[0, gsd, 0, 0, 0, -gsd])


@pytest.mark.parametrize(("body", "scale"), [
    ({"object_size_m": 12.5}, Scale(object_size_m=12.5)),
    ({"level": -1}, Scale(level=-1)),
    ({"map_resolution": 0.25}, Scale(map_resolution=0.25)),
    ({"level": 0, "map_resolution": None}, Scale(level=0)),  # a null field is not given
])
def test_exactly_one_scale_is_read(body, scale):
    assert scale_parse(body) == scale
    assert prompt_input_parse({**POINT, **body}).scale == scale


@pytest.mark.parametrize(("body", "match"), [
    ({}, "exactly one of object_size_m.*got none"),
    ({"level": 0, "object_size_m": 3}, "got object_size_m and level"),
    ({"level": 0.5}, "level must be a whole number"),
    ({"level": True}, "level must be a whole number"),
    ({"object_size_m": 0}, "object_size_m must be positive"),
    ({"object_size_m": "big"}, "object_size_m must be a finite number"),
    ({"map_resolution": -1}, "map_resolution must be positive"),
])
def test_a_bad_scale_is_refused_naming_the_field(body, match):
    with pytest.raises(PromptInvalid, match=match):
        prompt_input_parse({**POINT, **body})


def test_object_size_puts_the_object_at_about_a_third_of_a_window():
    # 0.5 m pixels, 1024-px windows: a level-L window spans 512 * 2**L metres
    for size_m, level in ((80, -1), (170, 0), (340, 1), (700, 2), (1400, 3)):
        got = level_for_object_size(object_size_m=size_m, gsd=0.5, min_level=-2, max_level=5)
        assert got == level, (size_m, got)
        assert 3 / 2**0.5 <= 512 * 2.0**got / size_m <= 3 * 2**0.5  # nearest power of two to a third
    assert level_for_object_size(object_size_m=30, gsd=0.5, min_level=-2, max_level=5) == -2  # clamped
    assert level_for_object_size(object_size_m=1e308, gsd=1e-300, min_level=-2, max_level=5) == 5  # no overflow
    # the same object on a coarser scene needs a finer level
    assert level_for_object_size(object_size_m=340, gsd=2.0, min_level=-2, max_level=5) == -1


def test_scale_level_on_a_scene():
    small = scene()  # 900 px: one level-0 window covers it, so levels -2..0
    assert scale_level(small, Scale(level=-1)) == -1
    assert scale_level(small, Scale(object_size_m=10_000)) == 0  # clamped to the coarsest useful level
    assert scale_level(small, Scale(map_resolution=0.125)) == -2
    with pytest.raises(PromptInvalid, match="between -2 and 0"):
        scale_level(small, Scale(level=1))
    big = scene(width=20_000, height=5_000)
    assert scale_level(big, Scale(level=5)) == 5
    with pytest.raises(PromptInvalid, match="between -2 and 5"):
        scale_level(big, Scale(level=6))
