"""The held-out split of a project's corrected objects, sized from the data (plain module: shapely, no Django).

Which objects the gate may score has to be decided from where they are, since neighbouring objects share
imagery (the same roofs, the same shadows, often the same embedding window). The rule:

Blocks
------
Items are split per *group* (one metric plane, e.g. a projected CRS: objects in one group can be near each
other, objects in different groups are not compared). In each group the plane is cut into square blocks anchored
at the plane's origin, side ``B`` metres:

- the floor is ``max(2 x median object extent, median nearest-neighbour spacing of object centroids)``: a block
  holds at least a typical object with room around it and is never finer than the objects' own spacing;
- ``B`` is the largest power-of-two multiple of the floor (the floor itself rounded up to a power of two metres,
  so that a few new corrections do not move every border) whose blocks still leave at least ``ceil(2 / share)``
  of them occupied: the held-out side, about ``share`` of the blocks, then spans two blocks or more rather than
  one spot. Sparse layouts get large blocks (a 10 km scene with 25 objects: kilometres), dense ones small (a 40 m
  scene: metres). When even the floor leaves fewer blocks occupied, ``B`` is the floor.

An item belongs to the block of its centroid. Occupied blocks are taken in a fixed pseudo-random order
(sha256 of group, side and block index) and a block goes to the held-out side when that brings the held-out object
count closer to ``round(share x objects)`` (at least one object when ``share > 0``), never taking the last block
that still has training objects (nor one whose buffer, below, would leave none).

Buffer
------
No training item may lie within ``max(extent_a, extent_b)`` metres of a held-out object ``a`` (item ``b``):
touching, overlapping, or a block neighbour within one object size. Such training items go to the ``buffer``
side: neither trained on nor scored. Negatives (rejected or deleted proposals, no ground truth) are placed like
objects but never count as held-out objects: a negative in a held-out block is simply not used.

Enough to judge?
----------------
A paired one-sided signed-rank test on ``n`` objects can reach significance level ``alpha`` only when
``2 ** -n <= alpha`` (every object improving is the most extreme outcome), so fewer than
``ceil(log2(1 / alpha))`` held-out objects cannot pass the gate whatever the candidate does. :class:`SplitPlan`
then carries a :class:`Shortfall`: how many more corrections, and the held-out blocks where they count.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

TRAIN, HELD_OUT, BUFFER = "train", "held_out", "buffer"


@dataclass(frozen=True, eq=False)
class SplitItem:
    """One object (or negative) to place: ``geometry`` in metres in its group's plane."""

    key: str
    group: str
    geometry: shapely.Geometry
    negative: bool = False

    @property
    def extent(self) -> float:
        minx, miny, maxx, maxy = self.geometry.bounds
        return float(max(maxx - minx, maxy - miny))


@dataclass(frozen=True)
class Block:
    group: str
    bx: int
    by: int
    side_m: float
    objects: int
    held_out: bool

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in the group's plane, metres."""
        s = self.side_m
        return (self.bx * s, self.by * s, (self.bx + 1) * s, (self.by + 1) * s)


@dataclass(frozen=True)
class Shortfall:
    """Too few held-out objects to judge: ``more`` corrections inside the held-out blocks would do, or about
    ``more_anywhere`` spread over the project (about ``share`` of them land in held-out blocks)."""

    held_out: int
    needed: int
    more: int
    more_anywhere: int
    reason: str  # "few_held_out" | "one_block" | "no_objects" | "no_share"


@dataclass
class SplitPlan:
    side: dict[str, str] = field(default_factory=dict)
    block_m: dict[str, float] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    share: float = 0.0
    needed: int = 0
    shortfall: Shortfall | None = None

    def count(self, side: str, *, negative: bool | None = None, items: Sequence[SplitItem] = ()) -> int:
        if negative is None:
            return sum(1 for s in self.side.values() if s == side)
        return sum(1 for it in items if it.negative == negative and self.side.get(it.key) == side)

    def held_out_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.held_out]


def objects_needed(alpha: float) -> int:
    """Fewest paired objects with which a one-sided signed-rank test can reach ``alpha`` (``2**-n <= alpha``)."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    return max(1, math.ceil(math.log2(1.0 / alpha) - 1e-12))


def _centroids(items: Sequence[SplitItem]) -> np.ndarray:
    if not items:
        return np.zeros((0, 2))
    pts = shapely.centroid(np.array([it.geometry for it in items], dtype=object))
    return np.column_stack([shapely.get_x(pts), shapely.get_y(pts)])


def nearest_neighbour_spacing(xy: np.ndarray) -> float:
    """Median distance from each point to its nearest other point (0 for fewer than two points)."""
    if len(xy) < 2:
        return 0.0
    pts = shapely.points(xy)
    tree = shapely.STRtree(pts)
    _, dist = tree.query_nearest(pts, exclusive=True, return_distance=True, all_matches=False)
    return float(np.median(dist)) if len(dist) else 0.0


def _block_index(xy: np.ndarray, side: float) -> np.ndarray:
    return np.floor(xy / side).astype(np.int64)


def block_side(objects: Sequence[SplitItem], *, share: float) -> float:
    """The block side of one group's objects, metres (see module docstring)."""
    xy = _centroids(objects)
    extents = [it.extent for it in objects]
    size = float(np.median(extents)) if extents else 0.0
    floor = max(2.0 * size, nearest_neighbour_spacing(xy), 1e-3)
    side = 2.0 ** math.ceil(math.log2(floor))
    if len(xy) < 2 or share <= 0:
        return side
    want = math.ceil(2.0 / share)
    span = float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1])))
    best = side
    while side <= 2 * span:
        occupied = len({tuple(b) for b in _block_index(xy, side)})
        if occupied >= want:
            best = side
        side *= 2
    return best


def _order(group: str, side: float, block: tuple[int, int]) -> bytes:
    return hashlib.sha256(f"{group}:{side:g}:{block[0]}:{block[1]}".encode()).digest()


def _choose_held_out(group: str, side: float, counts: dict[tuple[int, int], int], target: int) -> list:
    held: list[tuple[int, int]] = []
    held_n, total = 0, sum(counts.values())
    for block in sorted(counts, key=lambda b: _order(group, side, b)):
        n = counts[block]
        if held_n >= target:
            break
        if total - held_n - n <= 0:
            continue  # keep something to train on
        if abs(held_n + n - target) < abs(held_n - target):
            held.append(block)
            held_n += n
    return held


def _buffer_out(items: Sequence[SplitItem], side: dict[str, str]) -> None:
    """Move training items within ``max(extent)`` of a held-out object to the buffer side."""
    held = [it for it in items if side[it.key] == HELD_OUT and not it.negative]
    train = [it for it in items if side[it.key] == TRAIN]
    if not held or not train:
        return
    tree = shapely.STRtree([it.geometry for it in train])
    widest = max(it.extent for it in train)
    for h in held:
        reach = max(h.extent, widest)
        for j in tree.query(h.geometry, predicate="dwithin", distance=reach):
            t = train[int(j)]
            if shapely.distance(h.geometry, t.geometry) <= max(h.extent, t.extent):
                side[t.key] = BUFFER


def _plan_group(group: str, items: Sequence[SplitItem], *, share: float, side_m: float | None,
                plan: SplitPlan) -> None:
    objects = [it for it in items if not it.negative]
    side = float(side_m) if side_m else block_side(objects, share=share)
    plan.block_m[group] = side
    xy = _centroids(items)
    index = [tuple(int(v) for v in b) for b in _block_index(xy, side)] if len(items) else []
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for it, block in zip(items, index, strict=True):
        if not it.negative:
            counts[block] += 1
    target = max(1, round(share * len(objects))) if share > 0 and objects else 0
    chosen = _choose_held_out(group, side, counts, target) if target else []
    while True:  # the buffer may leave nothing to train on: then give the last held-out block back
        held = set(chosen)
        for it, block in zip(items, index, strict=True):
            plan.side[it.key] = HELD_OUT if block in held else TRAIN
        _buffer_out(items, plan.side)
        if not chosen or any(plan.side[it.key] == TRAIN for it in objects):
            break
        chosen.pop()
    plan.blocks.extend(Block(group=group, bx=b[0], by=b[1], side_m=side, objects=n, held_out=b in held)
                       for b, n in sorted(counts.items()))


def plan_split(items: Sequence[SplitItem], *, share: float, alpha: float = 0.05,
               block_m: float | None = None) -> SplitPlan:
    """Place every item on exactly one side (``train``, ``held_out`` or ``buffer``); see module docstring.

    ``block_m`` forces the block side (metres) instead of sizing it from the data."""
    keys = [it.key for it in items]
    if len(set(keys)) != len(keys):
        raise ValueError("split item keys must be unique")
    share = float(share)
    plan = SplitPlan(share=share, needed=objects_needed(alpha))
    groups: dict[str, list[SplitItem]] = defaultdict(list)
    for it in items:
        groups[it.group].append(it)
    for group in sorted(groups):
        _plan_group(group, groups[group], share=share, side_m=block_m, plan=plan)
    plan.shortfall = _shortfall(plan, items)
    return plan


def _shortfall(plan: SplitPlan, items: Sequence[SplitItem]) -> Shortfall | None:
    held = plan.count(HELD_OUT, negative=False, items=items)
    n_objects = sum(1 for it in items if not it.negative)
    if held >= plan.needed:
        return None
    more = plan.needed - held
    if plan.share <= 0:
        reason = "no_share"
    elif n_objects == 0:
        reason = "no_objects"
    elif not plan.held_out_blocks():
        reason = "one_block"
    else:
        reason = "few_held_out"
    anywhere = math.ceil(more / plan.share) if plan.share > 0 else 0
    return Shortfall(held_out=held, needed=plan.needed, more=more, more_anywhere=anywhere, reason=reason)
