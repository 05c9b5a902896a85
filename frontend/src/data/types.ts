// Shapes of the exports and imports API (annotator/apis/exports.py, annotator/apis/imports.py): the generated
// schema's types (src/api/schema.d.ts); the socket event is kept here by hand.
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export type ExportStatus = Schemas['JobStatusEnum'];
export type OptionType = Schemas['FormatParameterTypeEnum'];
export type OptionValue = Schemas['FormatParameter']['default'];
export type FormatOption = Schemas['FormatParameter'];
export type ExportFormat = Schemas['FormatOutput'];
export type ExportFilters = Schemas['Filters'];
export type ExportManifest = Schemas['ManifestOutput'];
export type ExportJob = Schemas['ExportOutput'];
export type ExportCount = Schemas['ExportCountOutput'];
export type PurgeResult = Schemas['ExportPurgeOutput'];
export type RetentionInfo = Schemas['ExportRetentionOutput'];

/** An `export.progress` event on a scene's socket. */
export interface ExportProgressEvent {
  type: 'export.progress';
  export_id: number;
  format: string;
  status: ExportStatus;
  progress: number;
  message: string;
}

export type ItemError = Schemas['ItemError'];
export type ImportPreview = Schemas['PreviewOutput'];
export type ImportReport = Schemas['ImportReport'];

export type ImportFormat = '' | 'geojson' | 'geopackage' | 'coco';

export interface ImportOptions {
  format: ImportFormat;
  layer: string;
  class_property: string;
  default_class: string;
}
