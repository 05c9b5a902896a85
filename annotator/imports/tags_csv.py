"""Reads a CSV of tags as the `tags_csv` export writes it (annotator/exports/tags_csv.py). No Django here: each
row becomes a `TagRow` or an error naming the row; the service checks targets, groups and values against the
project. `author` and `review_state` are read for the report only: imported tags are the importer's, pending review.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from annotator.imports.common import ImportFileError, ImportItemError

REQUIRED = ("target_type", "target_id", "group", "values")
TARGETS = ("scene", "task")
VALUE_SEPARATOR = ";"
MAX_ROWS = 100_000


@dataclass(frozen=True)
class TagRow:
    item: str  # "row 3": the line in the file (the header is row 1)
    target: str
    target_id: int
    group: str
    values: tuple[str, ...]


@dataclass
class TagsRead:
    rows: list[TagRow] = field(default_factory=list)
    errors: list[ImportItemError] = field(default_factory=list)


def tags_csv_read(data: bytes) -> TagsRead:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("The CSV of tags is not UTF-8 text.", "not_utf8") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(f"The CSV of tags lacks the column(s) {', '.join(missing)} "
                              f"(it needs {', '.join(REQUIRED)}).", "missing_columns")
    out = TagsRead()
    for number, record in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFileError(f"The CSV of tags has more than {MAX_ROWS} rows.", "too_many_rows")
        item = f"row {number}"
        target = (record.get("target_type") or "").strip().lower()
        raw_id = (record.get("target_id") or "").strip()
        group = (record.get("group") or "").strip()
        if target not in TARGETS:
            out.errors.append(ImportItemError(item, "invalid_target", f"target_type {target!r} is not scene or task."))
            continue
        if not raw_id.isdigit() or int(raw_id) <= 0:
            out.errors.append(ImportItemError(item, "invalid_target", f"target_id {raw_id!r} is not an id."))
            continue
        if not group:
            out.errors.append(ImportItemError(item, "unknown_group", "The row names no tag group."))
            continue
        values = tuple(v.strip() for v in (record.get("values") or "").split(VALUE_SEPARATOR) if v.strip())
        out.rows.append(TagRow(item=item, target=target, target_id=int(raw_id), group=group, values=values))
    return out
