"""Millisecond timings of a prompt's steps."""

from __future__ import annotations

import time


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
