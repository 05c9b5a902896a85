"""python manage.py export_dataset --project SLUG --format FORMAT --out DIR [filters] [--param KEY=VALUE ...]

Exports in this process straight into DIR (which must be empty or absent): the format's files and manifest.json;
with --zip PATH also the same deterministic zip the API gives. Filters: --scenes 1 2, --classes building 3,
--statuses accepted, --reviewed-only, --source human model, --since 2024-01-01 --until 2024-02-01 (created_at).
Prints a one-line summary; a bad format, filter or parameter exits non-zero with the reason.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotator.exports.registry import formats
from annotator.models import Project
from annotator.services.exports import dataset_export
from core.errors import GeoLoopError


class Command(BaseCommand):
    help = "Export a project's annotations as COCO, GeoJSON, GeoPackage, masks, chips, YOLO or STAC."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--format", required=True, choices=list(formats()))
        parser.add_argument("--out", required=True, help="folder to write into (empty or absent)")
        parser.add_argument("--zip", default=None, help="also write the zip here")
        parser.add_argument("--scenes", nargs="*", type=int, default=[])
        parser.add_argument("--classes", nargs="*", default=[], help="label-class names or ids")
        parser.add_argument("--statuses", nargs="*", default=[], help="draft accepted rejected")
        parser.add_argument("--reviewed-only", action="store_true")
        parser.add_argument("--source", nargs="*", default=[], help="human model imported")
        parser.add_argument("--since", default=None)
        parser.add_argument("--until", default=None)
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                            help="format parameter, e.g. --param segmentation=rle --param size=256")

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project {options['project']!r}.")
        parameters = {}
        for pair in options["param"]:
            key, sep, value = pair.partition("=")
            if not sep:
                raise CommandError(f"--param takes KEY=VALUE, not {pair!r}.")
            parameters[key.strip()] = value.strip()
        filters = {"scenes": options["scenes"], "classes": options["classes"], "statuses": options["statuses"],
                   "reviewed_only": options["reviewed_only"], "sources": options["source"],
                   "since": options["since"], "until": options["until"]}

        def progress(fraction: float, message: str) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"{fraction:6.1%} {message}")

        try:
            manifest = dataset_export(project=project, format=options["format"], filters=filters,
                                      parameters=parameters, out_dir=Path(options["out"]),
                                      zip_to=Path(options["zip"]) if options["zip"] else None, progress=progress)
        except GeoLoopError as exc:
            raise CommandError(exc.message) from exc
        counts = manifest["counts"]
        self.stdout.write(f"exported {counts['annotations']} annotations from {counts['scenes']} scenes as "
                          f"{options['format']} to {options['out']} ({len(manifest['files'])} files)")
