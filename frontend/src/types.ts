// Shapes of the JSON the Django API answers. The HTTP payloads are the generated schema's types
// (src/api/schema.d.ts: `npm run api:types` after a serializer changes); socket messages are kept here by hand.
import type { components } from './api/schema';

type Schemas = components['schemas'];

/** The one error body of every error answer (webapp/errors.py). */
export type ErrorBody = Schemas['ErrorOutput'];

export type User = Schemas['UserOutput'];
export type LoginResponse = Schemas['LoginOutput'];
export type Role = Schemas['RoleEnum'];
export type Project = Schemas['ProjectRoleOutput'];
export type SceneStatus = Schemas['SceneOutputStatusEnum'];

/** [minLon, minLat, maxLon, maxLat] in EPSG:4326. */
export type LonLatBounds = NonNullable<Schemas['SceneOutput']['bounds']>;
/** RFC 7946 polygon, EPSG:4326. */
export type GeoJsonPolygon = Schemas['PolygonOutput'];
/** RFC 7946 multipolygon, EPSG:4326: polygons of rings of [lon, lat] (rings closed). */
export type GeoJsonMultiPolygon = Schemas['MultiPolygonOutput'];

export type Scene = Schemas['SceneOutput'];

// ---- annotation screen ----

export type AttributeType = Schemas['AttributeTypeEnum'];
/** One typed attribute of a label class (checked by the server: annotator/attributes.py). */
export type AttributeDef = Schemas['AttributeDefinitionOutput'];
export type AttributeValue = boolean | number | string;
export type LabelClass = Schemas['LabelClassOutput'];

/** A scene's render recipe: 1 band (grey or a colour ramp) or 3 (red, green, blue). */
export type Recipe = Schemas['RecipeFullOutput'];
export type RecipePreset = Schemas['PresetOutput'];
export type RecipeInfo = Schemas['RecipeOutput'];
export type Histogram = Schemas['HistogramOutput'];

export type TaskStatus = Schemas['TaskOutputStatusEnum'];
export type Task = Schemas['TaskOutput'];
export type TaskGrid = Schemas['TaskGridOutput'];

/** An annotation's properties; `can_edit` / `edit_refusal` come with single-annotation answers only. */
export type AnnotationProperties = Schemas['AnnotationPropertiesOutput'] &
  Partial<Pick<Schemas['EditablePropertiesOutput'], 'can_edit' | 'edit_refusal'>>;
export type AnnotationFeature = Omit<Schemas['AnnotationFeatureOutput'], 'properties'> & {
  properties: AnnotationProperties;
};
/** One annotation answered to the signed-in user (with whether they may edit it). */
export type EditableFeature = Schemas['EditableFeatureOutput'];
/** An annotation just created or edited, with what the server did to its geometry. */
export type EditedFeature = Schemas['EditedFeatureOutput'];

export type AcceptResult = Schemas['AcceptOutput'];
export type RejectResult = Schemas['RejectOutput'];
export type ReviewQueue = Schemas['ReviewQueueOutput'];
export type Member = Schemas['MemberOutput'];
export type ModelVersionRow = Schemas['CompareRowOutput'];
export type VersionComparison = Schemas['CompareOutput'];
export type PromoteResult = Schemas['PromoteOutput'];
export type RollbackResult = Schemas['RollbackOutput'];

// ---- request bodies (the geometry-bearing ones keep GeoJsonMultiPolygon: the schema's positions are [lon, lat] pairs)

export type ClassCreateBody = Schemas['LabelClassCreate'];
export type ClassPatchBody = Schemas['PatchedLabelClassPatch'];
export type ProposalAcceptBody = Schemas['ProposalAcceptInput'];
export type ProposalRejectBody = Schemas['ProposalRejectInput'];
export type MemberBody = Schemas['MemberListInput'];
export type ScheduleBody = Schemas['TrainingScheduleInput'];
export type TrainingSettingsBody = Schemas['PatchedTrainingSettings'];
export type TrainingJobBody = Schemas['TrainingJobCreateInput'];
export type RecipeChanges = Schemas['PatchedRecipe'];

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
  /** The answer (index 0, geometry null: it is `geometry`) and SAM's other multimask outputs. */
  candidates?: Schemas['CandidateOutput'][];
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

export type TrainingPhase = NonNullable<Schemas['TrainingProgressOutput']['phase']>;
/** The current phase's own counters and figure. */
export type PhaseProgress = Schemas['PhaseProgressOutput'];
/** A job's progress: `step`/`total`/`loss`/`eta_s` at the top level count the fine-tune; `current` is the phase
 * running now (dataset objects, training steps, evaluated objects). */
export type TrainingProgress = Schemas['TrainingProgressOutput'];
export type TrainingJob = Schemas['JobDetailOutput'];

/** Training socket, server -> client. */
export interface TrainingEvent {
  type: string;
  job: number;
  status: TrainingJob['status'];
  progress: TrainingProgress;
  result_model: number | null;
}

export type SettingRange = Schemas['SettingRangeOutput'];
export type TrainingSettings = Schemas['TrainingSettingsOutput'];
export type TrainingSchedule = Schemas['ScheduleOutput'];
export type ScheduleEnvelope = Schemas['ScheduleEnvelope'];
export type ObjectLocation = Schemas['LocationOutput'];
export type ReliabilityBin = Schemas['ReliabilityBinOutput'];
export type SplitSide = Schemas['SplitSideOutput'];
export type ObjectDelta = Schemas['ObjectDeltaOutput'];
export type VersionHead = Schemas['VersionHeadOutput'];
export type VersionPair = Schemas['PairOutput'];
