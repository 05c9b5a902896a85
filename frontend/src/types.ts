// Shapes of the JSON the Django API returns. Keep in step with the DRF output serializers.

export interface User {
  id: number;
  username: string;
  is_staff: boolean;
}

export interface LoginResponse {
  token: string;
  /** ISO time after which the token is refused (GEOLOOP_TOKEN_TTL_HOURS after it was issued). */
  expires_at: string;
  user: User;
}

export type Role = 'annotator' | 'reviewer' | 'admin';

export interface Project {
  id: number;
  slug: string;
  name: string;
  archived: boolean;
  role: Role | null;
}

export type SceneStatus = 'ingesting' | 'ready' | 'failed';

/** [minLon, minLat, maxLon, maxLat] in EPSG:4326. */
export type LonLatBounds = [number, number, number, number];

/** RFC 7946 polygon, EPSG:4326. */
export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

export interface Scene {
  id: number;
  name: string;
  status: SceneStatus;
  status_reason: string;
  /** Ingestion progress, 0..1. */
  progress: number;
  width: number;
  height: number;
  band_count: number;
  dtype: string;
  crs: string;
  gsd: number | null;
  nodata: number | null;
  bounds: LonLatBounds | null;
  footprint: GeoJsonPolygon | null;
  render_recipe: Recipe | Record<string, never>;
  /** e.g. "/api/scenes/7/tiles/{z}/{x}/{y}.png" (an OpenLayers XYZ template). */
  tiles_url: string;
  minzoom: number;
  maxzoom: number;
}

// ---- annotation screen ----

/** RFC 7946 multipolygon, EPSG:4326: polygons of rings of [lon, lat] (rings closed). */
export interface GeoJsonMultiPolygon {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

export type AttributeType = 'boolean' | 'number' | 'choice' | 'text';

/** One typed attribute of a label class (checked by the server: annotator/attributes.py). */
export interface AttributeDef {
  name: string;
  type: AttributeType;
  required: boolean;
  min?: number | null;
  max?: number | null;
  integer?: boolean;
  choices?: string[];
  max_length?: number;
}

export type AttributeValue = boolean | number | string;

export interface LabelClass {
  id: number;
  name: string;
  color: string;
  archived: boolean;
  order?: number;
  attributes?: AttributeDef[];
}

/** A scene's render recipe: 1 band (grey or a colour ramp) or 3 (red, green, blue). */
export interface Recipe {
  bands: number[];
  min: number[];
  max: number[];
  /** Per band, 0.1..10; above 1 brightens. Left out when all are 1. */
  gamma?: number[];
  colormap?: string;
  /** "db": values shown as 10·log10(value) (SAR intensity); min/max then in dB. */
  scale?: 'linear' | 'db';
}

export interface RecipePreset {
  name: string;
  label: string;
  changes: Partial<Recipe> & { colormap?: string | null };
}

export interface RecipeInfo {
  recipe: Recipe;
  presets: RecipePreset[];
  colormaps: string[];
  band_count: number;
  dtype: string;
  radiometry: string;
  can_edit: boolean;
}

export interface Histogram {
  band: number;
  scale: string;
  /** bins + 1 edges over the band's 0.1–99.9 percentile range. */
  edges: number[];
  counts: number[];
  min: number | null;
  max: number | null;
  p2: number | null;
  p98: number | null;
  count: number;
}

export type TaskStatus = 'new' | 'in_progress' | 'submitted' | 'reviewed';

export interface Task {
  id: number;
  project: number;
  scene: number;
  area: GeoJsonPolygon | GeoJsonMultiPolygon;
  status: TaskStatus;
  assignee: number | null;
  lease_holder: number | null;
  lease_expires_at: string | null;
  heartbeat_at: string | null;
  annotation_count: number | null;
}

export interface AnnotationProperties {
  id: number;
  scene: number;
  task: number | null;
  version: number;
  class: { id: number; name: string; color: string } | null;
  status: 'draft' | 'accepted' | 'rejected';
  review_state: string;
  review_reason: string;
  source: string;
  deleted: boolean;
  author: number | null;
  model_version_id: number | null;
  proposal_id: number | null;
  predicted_quality: number | null;
  /** Values of the class's typed attributes. */
  attributes?: Record<string, AttributeValue>;
  /** Required attributes without a value. */
  attributes_missing?: string[];
  updated_at: string | null;
  /** Whether the signed-in user may edit, delete or restore it (single-annotation answers only). */
  can_edit?: boolean;
  /** Why not, naming the rule, when can_edit is false. */
  edit_refusal?: string | null;
}

export interface AnnotationFeature {
  type: 'Feature';
  id: number;
  geometry: GeoJsonMultiPolygon;
  properties: AnnotationProperties;
}

export interface AcceptResult {
  annotation: { id: number; version: number };
  correction: { id: number; proposal: number; iou: number | null; clicks_added: number; vertices_moved: number; seconds_spent: number };
}

export interface ReviewQueue {
  count: number;
  limit: number;
  offset: number;
  results: AnnotationFeature[];
}

export interface Member {
  user_id: number;
  username: string;
  role: Role;
}

export interface ModelVersionRow {
  id: number;
  name: string;
  state: string;
  parent: number | null;
  in_use: boolean;
  training_job: number | null;
  created_at: string | null;
  promoted_at: string | null;
  project: number | null;
  /** The evaluation gate's verdict: true (passed), false (refused), null (never ran). */
  gate_passed: boolean | null;
  /** Why an admin promoted it against (or without) the gate; empty otherwise. */
  override_reason: string;
  held_out: Record<string, number | null>;
  benchmark: Record<string, number | null>;
  gate: unknown;
}

/** Segmentation socket, server -> client. */
export interface MaskMessage {
  type: 'mask';
  request_id: string;
  proposal_id: number;
  /** null when the model found nothing at the prompts. */
  geometry: GeoJsonMultiPolygon | null;
  /** The model's own predicted IoU: unbounded and uncalibrated (kept for compatibility; do not show it). */
  predicted_iou: number;
  /** Calibrated expected IoU with what the annotator keeps, in [0, 1] (absent from older servers). */
  quality?: number | null;
  /** Connected parts of the answer after post-processing. */
  parts?: number;
  model_version: number | string | null;
  window: unknown;
  timings: Record<string, number> & { total_ms?: number };
}
export interface EncodingMessage {
  type: 'encoding';
  request_id: string | null;
  window: unknown;
}
export interface PrefetchMessage {
  type: 'prefetch';
  [key: string]: unknown;
}
export interface SocketErrorMessage {
  type: 'error';
  request_id: string | null;
  code: string;
  detail: string;
}
export type SegmentationMessage = MaskMessage | EncodingMessage | PrefetchMessage | SocketErrorMessage;

/** Scene events socket, server -> client. */
export interface AnnotationEvent {
  type: 'annotation.created' | 'annotation.updated' | 'annotation.deleted';
  id: number;
  version: number;
  status?: string;
  deleted?: boolean;
  geometry?: GeoJsonMultiPolygon;
  class?: { id: number; name: string; color: string } | null;
}

// ---- Models screen (training jobs, settings, schedules, two versions compared)

export type TrainingPhase = 'dataset' | 'train' | 'evaluate';

/** The current phase's own counters and figure. */
export interface PhaseProgress {
  step?: number;
  total?: number;
  eta_s?: number | null;
  split?: string;
  model?: string;
  figure?: { name: string; value: number | null } | null;
}

/** A job's progress: `step`/`total`/`loss`/`eta_s` at the top level count the fine-tune; `current` is the phase
 * running now (dataset objects, training steps, evaluated objects). */
export interface TrainingProgress {
  phase?: TrainingPhase;
  current?: PhaseProgress;
  step?: number;
  total?: number;
  eta_s?: number | null;
  loss?: number;
  loss_avg10?: number;
  elapsed_s?: number;
  split?: string;
  model?: string;
  figure?: { name: string; value: number | null } | null;
  /** Loss curve so far: [step, loss] points. */
  curve?: [number, number][];
}

export interface TrainingJob {
  id: number;
  project: number;
  base_model: number;
  result_model: number | null;
  trigger: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  parameters: Record<string, unknown>;
  progress: TrainingProgress;
  metrics: Record<string, unknown>;
  /** The last lines of the log. */
  log: string;
  log_lines: number;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Training socket, server -> client. */
export interface TrainingEvent {
  type: string;
  job: number;
  status: TrainingJob['status'];
  progress: TrainingProgress;
  result_model: number | null;
}

export interface SettingRange {
  kind: 'int' | 'float' | 'bool';
  min: number | null;
  max: number | null;
  help: string;
}

export interface TrainingSettings {
  settings: Record<string, number | boolean>;
  ranges: Record<string, SettingRange>;
}

export interface TrainingSchedule {
  crontab: string;
  preset: 'nightly' | 'weekly' | 'custom';
  enabled: boolean;
  timezone: string;
  next_run_at: string | null;
  last_run_at: string | null;
  total_run_count: number;
}

export interface ObjectLocation {
  scene: number | null;
  /** west, south, east, north in EPSG:4326 */
  bbox: [number, number, number, number];
  centroid: [number, number];
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  mean_predicted: number | null;
  mean_actual: number | null;
}

export interface SplitSide {
  figures: Record<string, number | null>;
  iou_curve: number[];
  reliability: ReliabilityBin[];
}

export interface ObjectDelta {
  label: string;
  location: ObjectLocation | null;
  a: Record<string, number | null>;
  b: Record<string, number | null>;
  delta: Record<string, number>;
}

export interface VersionHead {
  id: number;
  name: string;
  state: string;
  project: number | null;
  parent: number | null;
  in_use: boolean;
  training_job: number | null;
  created_at: string | null;
  gate_passed: boolean | null;
  override_reason: string;
  gate: { promote: boolean; reasons: string[]; deltas: Record<string, number> } | null;
  training: Record<string, unknown> | null;
}

export interface VersionPair {
  a: VersionHead;
  b: VersionHead;
  paired: boolean;
  splits: Record<string, { a: SplitSide | null; b: SplitSide | null; deltas: Record<string, number>; objects: ObjectDelta[] }>;
}
