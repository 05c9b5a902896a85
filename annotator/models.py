"""Projects, imagery, tasks and annotations: the ground floor. Knows nothing of models or training."""

from collections.abc import Callable

from django.conf import settings as django_settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import ExpressionWrapper, Func, Q, Value
from django.db.models.functions import Greatest

from core.geo import web_mercator_pixel_size

# Vector tiles are generalised by the screen pixel they will be drawn at. OpenLayers and Mapbox GL draw a vector tile
# of zoom z 512 pixels wide and keep it up to twice that size before switching to z+1, so a tile is drawn at most
# TILE_DRAWN_PX wide: a rule in those pixels holds on any screen that shows the tile.
TILE_DRAWN_PX = 1024
# Each zoom band draws from a copy of the geometry simplified for it: zooms up to `z` read a copy simplified at half a
# pixel of zoom `z` (the band's finest zoom), so no vertex moves by more than half a pixel anywhere in the band;
# zooms past the last band read `geometry_3857` itself.
TILE_SIMPLIFIED_BANDS: tuple[tuple[int, str], ...] = ((12, "geometry_3857_z12"), (15, "geometry_3857_z15"))
# The stored bbox size (longer side) of each shape column a tile draws from.
TILE_SIZE_COLUMNS = {"geometry_3857": "size_3857", "geometry_3857_z12": "size_3857_z12",
                     "geometry_3857_z15": "size_3857_z15"}
TILE_SIMPLIFY_PIXELS = 0.5


def tile_pixel_size(z: int) -> float:
    """EPSG:3857 units per screen pixel of a vector tile of zoom ``z`` at its largest (TILE_DRAWN_PX wide)."""
    return web_mercator_pixel_size(z, tile_px=TILE_DRAWN_PX)


def tile_simplify_tolerance(max_zoom: int) -> float:
    return TILE_SIMPLIFY_PIXELS * tile_pixel_size(max_zoom)


def _simplified_3857(max_zoom: int) -> Func:
    tolerance = tile_simplify_tolerance(max_zoom)
    simplified = Func(Transform("geometry", 3857), Value(tolerance), function="ST_SimplifyPreserveTopology",
                      output_field=models.GeometryField(srid=3857))
    return Func(simplified, function="ST_Multi", output_field=models.MultiPolygonField(srid=3857))  # GEOS may unwrap


def _bbox_size(shape: Callable[[], Func]) -> Greatest:
    """The longer side of the bounding box of `shape()` (in its units), the way a tile statement would compute it
    (ST_XMax(Box2D(g)) - ST_XMin(Box2D(g)), ...): stored, it is read per row instead of recomputed per row and tile.
    `shape` builds a fresh expression for each use (an expression instance compiles once)."""

    def side(axis: str):
        def edge(end: str) -> Func:
            return Func(Func(shape(), function="Box2D", output_field=models.FloatField()), function=f"ST_{axis}{end}",
                        output_field=models.FloatField())

        return ExpressionWrapper(edge("Max") - edge("Min"), output_field=models.FloatField())

    return Greatest(side("X"), side("Y"), output_field=models.FloatField())


class Role(models.TextChoices):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_RANK: dict[str, int] = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.ADMIN: 3}


def default_project_settings() -> dict:
    return {"window_size": 1024, "retrain_every_n": 0, "review_policy": "all", "auto_promote": False,
            "review_quality_below": 0.8, "review_share_above": 0.1, "review_seed": 0, "task_order": "grid"}


class Project(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    settings = models.JSONField(default=default_project_settings)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(django_settings.AUTH_USER_MODEL, through="Membership", related_name="projects")

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class LabelClass(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="label_classes")
    name = models.CharField(max_length=100)
    color = models.CharField(max_length=9, default="#ff8800")
    order = models.IntegerField(default=0, help_text="position in the palette (then id)")
    archived = models.BooleanField(default=False, help_text="archived classes are kept, never offered for new labels")
    attributes = models.JSONField(default=list, blank=True,
                                  help_text="typed attribute definitions (annotator.attributes), checked on save")

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="unique_class_name")]

    def __str__(self) -> str:
        return self.name


class SceneStatus(models.TextChoices):
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"


class Scene(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scenes")
    name = models.CharField(max_length=200)
    source_name = models.CharField(max_length=500, blank=True, help_text="original file name or registered path")
    source_path = models.CharField(max_length=1000, blank=True, help_text="file being ingested")
    cog_path = models.CharField(max_length=1000, blank=True, help_text="relative to MEDIA_ROOT")
    checksum = models.CharField(max_length=64, blank=True, help_text="sha256 of the source file")
    crs = models.TextField(blank=True, help_text="WKT or EPSG:code of the scene CRS")
    footprint = models.PolygonField(srid=4326, null=True, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    band_count = models.PositiveSmallIntegerField(default=0)
    dtype = models.CharField(max_length=16, blank=True)
    radiometry = models.CharField(max_length=16, blank=True,
                                  help_text='"amplitude_db": complex SAR ingested as amplitude in dB')
    nodata = models.FloatField(null=True, blank=True)
    gsd = models.FloatField(null=True, blank=True, help_text="ground sample distance, metres")
    transform = models.JSONField(default=list, blank=True, help_text="GDAL geotransform of the COG")
    overview_count = models.PositiveSmallIntegerField(default=0)
    render_recipe = models.JSONField(default=dict, blank=True)
    # The three bands (or one, repeated) the model sees, with their own stretch (a recipe: bands, min, max); empty:
    # the model sees the render recipe (annotator.selectors.scenes.scene_model_recipe).
    model_bands = models.JSONField(default=dict, blank=True)
    # A composite (multi-sensor) scene's sources while it ingests: [{"name", "path"}], in band order, and the
    # reference source (0-based index, or null: the finest). Empty for a single-file scene.
    sources = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=SceneStatus.choices, default=SceneStatus.INGESTING)
    status_reason = models.TextField(blank=True)
    progress = models.FloatField(default=0.0)
    # The ingestion run: the Celery task that claimed it and its heartbeat (see annotator.services.jobs).
    celery_task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    annotations_version = models.PositiveBigIntegerField(default=0, help_text="bumped on every annotation change")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="tasks")
    area = models.PolygonField(srid=4326)
    assignee = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tasks"
    )
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.NEW)
    lease_holder = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="leased_tasks"
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How unsure the project's active model is over the task's area (inference.services.uncertainty), for "next
    # task" in uncertainty order; the model version (id) and time it was computed with.
    uncertainty = models.FloatField(null=True, blank=True)
    uncertainty_version = models.PositiveIntegerField(null=True, blank=True)
    uncertainty_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "status"])]


class AnnotationSource(models.TextChoices):
    MODEL = "model"
    HUMAN = "human"
    IMPORTED = "imported"


class AnnotationStatus(models.TextChoices):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ReviewState(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    NOT_NEEDED = "not_needed", "not needing review"  # the project's review policy let it through (review_policy.py)


TILE_ONLY_COLUMNS = ("geometry_3857", "geometry_3857_z12", "geometry_3857_z15", "point_3857", "size_3857",
                     "size_3857_z12", "size_3857_z15")


class AnnotationKind(models.TextChoices):
    """What an annotation stands for (annotator.kinds): `geometry` is always its footprint; points and lines keep
    their exact `shape` too."""

    POLYGON = "polygon"
    BOX = "box"
    ROTATED_BOX = "rotated_box"
    POINT = "point"
    LINE = "line"


class AnnotationManager(models.Manager):
    """Rows without the columns only vector tiles read (PostgreSQL keeps them; SQL reads them): loading them would
    parse four more geometries per row for nothing."""

    def get_queryset(self):
        return super().get_queryset().defer(*TILE_ONLY_COLUMNS)


class Annotation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="annotations")
    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="annotations")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations")
    label_class = models.ForeignKey(LabelClass, null=True, blank=True, on_delete=models.PROTECT)
    geometry = models.MultiPolygonField(srid=4326)
    # Web Mercator copy kept by PostgreSQL itself: vector tiles read it without reprojecting per request.
    geometry_3857 = models.GeneratedField(
        expression=Transform("geometry", 3857),
        output_field=models.MultiPolygonField(srid=3857, spatial_index=False),
        db_persist=True,
    )
    # Generalised copies for low-zoom tiles (see TILE_SIMPLIFIED_BANDS), kept by PostgreSQL on every write, and a
    # point on the surface: how a feature smaller than a couple of screen pixels is drawn.
    geometry_3857_z12 = models.GeneratedField(
        expression=_simplified_3857(12),
        output_field=models.MultiPolygonField(srid=3857, spatial_index=False),
        db_persist=True,
    )
    geometry_3857_z15 = models.GeneratedField(
        expression=_simplified_3857(15),
        output_field=models.MultiPolygonField(srid=3857, spatial_index=False),
        db_persist=True,
    )
    point_3857 = models.GeneratedField(
        expression=Func(Transform("geometry", 3857), function="ST_PointOnSurface",
                        output_field=models.PointField(srid=3857)),
        output_field=models.PointField(srid=3857, spatial_index=False),
        db_persist=True,
    )
    # The longer bbox side of each of the three shapes above (TILE_SIZE_COLUMNS): whether a feature is tiny at a zoom
    # is one comparison of a stored number (annotator.vector_tiles), not a Box2D per row and tile.
    size_3857 = models.GeneratedField(
        expression=_bbox_size(lambda: Transform("geometry", 3857)),
        output_field=models.FloatField(),
        db_persist=True,
    )
    size_3857_z12 = models.GeneratedField(
        expression=_bbox_size(lambda: _simplified_3857(12)),
        output_field=models.FloatField(),
        db_persist=True,
    )
    size_3857_z15 = models.GeneratedField(
        expression=_bbox_size(lambda: _simplified_3857(15)),
        output_field=models.FloatField(),
        db_persist=True,
    )
    objects = AnnotationManager()
    source = models.CharField(max_length=16, choices=AnnotationSource.choices, default=AnnotationSource.HUMAN)
    status = models.CharField(max_length=16, choices=AnnotationStatus.choices, default=AnnotationStatus.ACCEPTED)
    geometry_info: dict  # not stored: what the last edit did to the geometry (repaired, clipped...), for the answer
    review_state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)
    review_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A loose reference to inference.ModelVersion: the ground floor knows nothing of models.
    model_version_id = models.BigIntegerField(null=True, blank=True)
    proposal_id = models.BigIntegerField(null=True, blank=True)
    predicted_quality = models.FloatField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True, help_text="values of the label class's attributes")
    kind = models.CharField(max_length=16, choices=AnnotationKind.choices, default=AnnotationKind.POLYGON)
    # The exact Point / LineString of a point or line (null for areal kinds, whose shape is the footprint).
    shape = models.GeometryField(srid=4326, null=True, blank=True)
    width_m = models.FloatField(null=True, blank=True, help_text="a line's width in metres")
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["scene", "deleted"]),
            models.Index(
                fields=["project", "review_state", "predicted_quality", "created_at"],
                name="review_queue_idx",
                condition=Q(deleted=False),
            ),
            GistIndex(fields=["geometry_3857"], name="annotation_geom_3857_live_idx", condition=Q(deleted=False)),
        ]


class AnnotationRevision(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    geometry = models.MultiPolygonField(srid=4326)
    label_class = models.ForeignKey(LabelClass, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=16, choices=AnnotationStatus.choices)
    kind = models.CharField(max_length=16, choices=AnnotationKind.choices, default=AnnotationKind.POLYGON)
    shape = models.GeometryField(srid=4326, null=True, blank=True)
    width_m = models.FloatField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    author = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annotation", "version"]
        constraints = [models.UniqueConstraint(fields=["annotation", "version"], name="one_revision_per_version")]


class AuditEvent(models.Model):
    """Who did what, when, from which client."""

    project = models.ForeignKey(Project, null=True, on_delete=models.CASCADE, related_name="audit_events")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField(null=True)
    details = models.JSONField(default=dict, blank=True)
    client = models.CharField(max_length=300, blank=True, help_text="user agent / client id and address")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ExportJob(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=32)
    filters = models.JSONField(default=dict, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    error = models.TextField(blank=True)
    result_path = models.CharField(max_length=1000, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    # The run: the Celery task that claimed the job and its heartbeat (see annotator.services.jobs).
    celery_task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]


# -- tags: classification of a whole scene or task ----------------------------------------------------------------

class TagGroup(models.Model):
    """One question a project asks of every scene or task ("cloud cover", "land use"), with its allowed values:
    single-label (`multi` False: at most one value per target) or multi-label (any subset)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tag_groups")
    name = models.CharField(max_length=100)
    multi = models.BooleanField(default=False, help_text="multi-label: a target may carry several values")
    values = ArrayField(models.CharField(max_length=100), default=list, help_text="the allowed values, in order")
    order = models.IntegerField(default=0)
    archived = models.BooleanField(default=False, help_text="archived groups are kept, never offered for new tags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="unique_tag_group_name")]

    def __str__(self) -> str:
        return self.name


class TagTarget(models.TextChoices):
    SCENE = "scene"
    TASK = "task"


class Tag(models.Model):
    """The values one tag group gives one target: a scene (``task`` null) or a task (``scene`` is the task's scene).
    One row per group and target; clearing keeps the row with no values (its history and feedback stay)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tags")
    group = models.ForeignKey(TagGroup, on_delete=models.CASCADE, related_name="tags")
    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="tags")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="tags")
    # The group's `multi`, kept on the row so that the database itself holds single-label tags to one value.
    multi = models.BooleanField(default=False)
    values = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    review_state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)
    review_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "scene"], condition=Q(task__isnull=True),
                                    name="one_scene_tag_per_group"),
            models.UniqueConstraint(fields=["group", "task"], condition=Q(task__isnull=False),
                                    name="one_task_tag_per_group"),
            models.CheckConstraint(condition=Q(multi=True) | Q(values__len__lte=1),
                                   name="single_label_tag_one_value"),
        ]
        indexes = [models.Index(fields=["project", "review_state"], name="tag_review_idx")]

    @property
    def target(self) -> str:
        return TagTarget.TASK if self.task_id is not None else TagTarget.SCENE


class TagRevision(models.Model):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    values = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    review_state = models.CharField(max_length=16, choices=ReviewState.choices)
    author = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tag", "version"]
        constraints = [models.UniqueConstraint(fields=["tag", "version"], name="one_tag_revision_per_version")]


# -- change detection on image pairs (annotator/services/pairs.py) ------------------------------------------------


class PairStatus(models.TextChoices):
    RESAMPLING = "resampling"  # the after scene is being resampled onto the before scene's grid
    READY = "ready"
    FAILED = "failed"


class ScenePair(models.Model):
    """Two ready scenes of one project showing the same place at two dates. Both dates share one pixel grid: the
    before scene's grid cut to the overlap of the footprints (`grid_*`). When the after scene's grid differs (CRS,
    pixel size or alignment) its pixels are resampled onto that grid into `after_cog_path` (a COG in the media room);
    otherwise `after_cog_path` is the after scene's own COG and `after_offset` says where the grid starts in it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scene_pairs")
    name = models.CharField(max_length=200)
    before = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="pairs_as_before")
    after = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="pairs_as_after")
    before_date = models.DateField(null=True, blank=True)
    after_date = models.DateField(null=True, blank=True)
    grid_crs = models.TextField(blank=True, help_text="CRS of the common grid (the before scene's)")
    grid_transform = models.JSONField(default=list, blank=True, help_text="GDAL geotransform of the common grid")
    grid_width = models.PositiveIntegerField(default=0)
    grid_height = models.PositiveIntegerField(default=0)
    before_offset = models.JSONField(default=list, blank=True, help_text="[col, row] of the grid in the before COG")
    after_offset = models.JSONField(default=list, blank=True,
                                    help_text="[col, row] of the grid in after_cog_path ([0, 0] when resampled)")
    resampled = models.BooleanField(default=False)
    grid_differences = models.JSONField(default=list, blank=True, help_text="why the after scene was resampled")
    overlap_share = models.FloatField(default=0.0, help_text="overlap area / smaller footprint area")
    after_cog_path = models.CharField(max_length=1000, blank=True,
                                      help_text="media key of the after pixels on the grid")
    status = models.CharField(max_length=16, choices=PairStatus.choices, default=PairStatus.READY)
    status_reason = models.TextField(blank=True)
    progress = models.FloatField(default=0.0)
    celery_task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    changes_version = models.PositiveBigIntegerField(default=0, help_text="bumped on every change annotation write")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.before_id} -> {self.after_id})"


class ChangeAnnotation(models.Model):
    """A change between the two dates of a pair: what was there before and what is there after (EPSG:4326; either
    may be empty, never both) and the change class (one of the project's label classes)."""

    pair = models.ForeignKey(ScenePair, on_delete=models.CASCADE, related_name="changes")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_annotations")
    label_class = models.ForeignKey(LabelClass, null=True, blank=True, on_delete=models.PROTECT)
    before_geometry = models.MultiPolygonField(srid=4326, null=True, blank=True)
    after_geometry = models.MultiPolygonField(srid=4326, null=True, blank=True)
    before_proposal_id = models.BigIntegerField(null=True, blank=True, help_text="model answer taken as before")
    after_proposal_id = models.BigIntegerField(null=True, blank=True, help_text="model answer taken as after")
    review_state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)
    review_reason = models.TextField(blank=True, default="", help_text="the reviewer's reason (a rejection's)")
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=Q(before_geometry__isnull=False) | Q(after_geometry__isnull=False),
            name="change_has_a_geometry")]
