"""A CSV of tags: one row per scene or task and tag group, UTF-8 with a header, the values of a multi-label group
joined by ``;`` (no value may contain it). The same file imports back (annotator/imports/tags_csv.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.exports.common import ExportDataset, ExportTag, Progress, ProgressSteps
from annotator.exports.registry import BaseExporter, register

FILE_NAME = "tags.csv"
COLUMNS = ("target_type", "target_id", "name", "group", "values", "author", "review_state")
VALUE_SEPARATOR = ";"


def tag_row(tag: ExportTag) -> list[str]:
    return [tag.target, str(tag.target_id), tag.target_name, tag.group, VALUE_SEPARATOR.join(tag.values),
            tag.author or "", tag.review_state]


def tags_csv_write(path: Path, tags: list[ExportTag]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(tag_row(tag) for tag in tags)


@register
class TagsCsvExporter(BaseExporter):
    name = "tags_csv"
    description = "CSV of scene and task tags: target type, id, name, group, values (';'-joined), author, review"
    defaults = {}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        steps = ProgressSteps(progress, 1)
        tags_csv_write(out_dir / FILE_NAME, dataset.tags)
        steps.step(FILE_NAME)
        return {"files": [FILE_NAME], "tags": len(dataset.tags)}
