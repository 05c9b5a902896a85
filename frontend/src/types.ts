// Shapes of the JSON the Django API returns. Keep in step with the DRF output serializers.

export interface User {
  id: number;
  username: string;
  is_staff: boolean;
}

export interface LoginResponse {
  token: string;
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
  render_recipe: unknown;
  /** e.g. "/api/scenes/7/tiles/{z}/{x}/{y}.png" (an OpenLayers XYZ template). */
  tiles_url: string;
  minzoom: number;
  maxzoom: number;
}
