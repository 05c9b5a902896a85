"""How long generated files are kept. 0 keeps them forever.

Export archives (the zips under MEDIA_ROOT/exports/) are removed once older than EXPORT_RETENTION_DAYS by the
periodic task `annotator.purge_export_archives` (beat, daily) or on demand from the exports page (project admins);
the job rows and their manifests stay. An import file uploaded for a preview is kept server-side until it is
committed or discarded, and at most IMPORT_STAGING_TTL_SECONDS."""

from webapp.settings.env import env_int

EXPORT_RETENTION_DAYS = env_int("GEOLOOP_EXPORT_RETENTION_DAYS", 30)
IMPORT_STAGING_TTL_SECONDS = env_int("GEOLOOP_IMPORT_STAGING_TTL_SECONDS", 3600)
