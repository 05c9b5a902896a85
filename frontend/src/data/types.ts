// Shapes of the exports and imports API (annotator/apis/exports.py, annotator/apis/imports.py).

export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type OptionType = 'boolean' | 'integer' | 'number' | 'number_list' | 'string';
export type OptionValue = boolean | number | string | number[];

export interface FormatOption {
  name: string;
  type: OptionType;
  default: OptionValue;
  /** Allowed values, or null when any value of the type goes. */
  choices: OptionValue[] | null;
}

export interface ExportFormat {
  name: string;
  description: string;
  parameters: Record<string, OptionValue>;
  choices: Record<string, OptionValue[]>;
  options: FormatOption[];
}

export interface ExportFilters {
  scenes?: number[];
  classes?: string[];
  statuses?: string[];
  sources?: string[];
  reviewed_only?: boolean;
  since?: string | null;
  until?: string | null;
}

export interface ExportManifest {
  format?: string;
  counts?: { annotations: number; scenes: number; per_class: Record<string, number>; per_source?: Record<string, number> };
  scenes?: { id: number; name: string; checksum: string }[];
  model_versions?: number[];
  files?: Record<string, string>;
  parameters?: Record<string, unknown>;
  last_annotation_change?: string | null;
}

export interface ExportJob {
  id: number;
  project_id: number;
  format: string;
  filters: ExportFilters;
  parameters: Record<string, unknown>;
  status: ExportStatus;
  progress: number;
  error: string;
  manifest: ExportManifest;
  created_at: string;
  finished_at: string | null;
  created_by: string | null;
  download_url: string | null;
  expired: boolean;
  scene_ids: number[];
}

export interface ExportCount {
  scenes: number;
  annotations: number;
  by_class: Record<string, number>;
}

export interface PurgeResult {
  removed: number;
  folders: number;
  freed_bytes: number;
  older_than_days: number;
}

/** An `export.progress` event on a scene's socket. */
export interface ExportProgressEvent {
  type: 'export.progress';
  export_id: number;
  format: string;
  status: ExportStatus;
  progress: number;
  message: string;
}

export interface ItemError {
  item: string;
  reason: string;
  message: string;
}

export interface ImportPreview {
  token: string;
  file: string;
  expires_at: string;
  format: string;
  features: number;
  valid: number;
  by_class: Record<string, number>;
  repaired: number;
  clipped: number;
  refused: number;
  errors: ItemError[];
  refusal_reasons: Record<string, number>;
  can_import: boolean;
  can_import_valid: boolean;
}

export interface ImportReport {
  imported: number;
  ids: number[];
  format: string;
  repaired: number;
  clipped: number;
  by_class?: Record<string, number>;
  skipped?: ItemError[];
  file?: string;
}

export type ImportFormat = '' | 'geojson' | 'geopackage' | 'coco';

export interface ImportOptions {
  format: ImportFormat;
  layer: string;
  class_property: string;
  default_class: string;
}
