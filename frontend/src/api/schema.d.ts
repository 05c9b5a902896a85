// Generated from the OpenAPI schema by scripts/api-types.sh (openapi-typescript). Do not edit:
// change the serializers / extend_schema, then run `cd frontend && npm run api:types`.
export interface paths {
    "/api/annotations/{annotation_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AnnotationDetail_get"];
        put?: never;
        post?: never;
        /** @description The version comes in the body ({"version": n}) or the query string (?version=n). */
        delete: operations["AnnotationDetail_delete"];
        options?: never;
        head?: never;
        patch: operations["AnnotationDetail_patch"];
        trace?: never;
    };
    "/api/annotations/{annotation_id}/history/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AnnotationHistory_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/annotations/{annotation_id}/restore/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AnnotationRestore_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/annotations/{annotation_id}/review/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AnnotationReview_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/csrf/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Sets the CSRF cookie (the browser sends its value as X-CSRFToken on unsafe requests, login included). */
        get: operations["Csrf_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Session login for the browser: CSRF-checked (login CSRF would sign a victim into the attacker's account). */
        post: operations["Login_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["Logout_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Me_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PasswordChange_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/token/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Token login for scripts: sets no cookie and starts no session, so it needs no CSRF token. */
        post: operations["TokenLogin_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/ws-ticket/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A single-use ticket for one WebSocket connection: open ``/ws/...?ticket=<ticket>`` within ``expires_in`` s. */
        post: operations["WsTicket_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/changes/{change_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ChangeDetail_get"];
        put?: never;
        post?: never;
        delete: operations["ChangeDetail_delete"];
        options?: never;
        head?: never;
        patch: operations["ChangeDetail_patch"];
        trace?: never;
    };
    "/api/changes/{change_id}/review/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * @description Reviewers and admins: accept, reject (400 `reason_required` without a reason) or fix; 409
         *     `stale_version` when the change annotation changed meanwhile.
         */
        post: operations["ChangeReview_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/classes/{class_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["LabelClassDetail_get"];
        put?: never;
        post?: never;
        /** @description Archives the class (never deleted: its annotations keep it). */
        delete: operations["LabelClassDetail_delete"];
        options?: never;
        head?: never;
        patch: operations["LabelClassDetail_patch"];
        trace?: never;
    };
    "/api/exports/{export_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExportDetail_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{export_id}/cancel/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ExportCancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{export_id}/download/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExportDownload_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/formats/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExportFormats_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/model-versions/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description GET /api/model-versions/[?project=<id>] — versions the user can see (with ``in_use`` for a project).
         *     POST (site staff) — register an admin-supplied SAM checkpoint as a candidate version.
         */
        get: operations["ModelVersionList_get"];
        put?: never;
        /**
         * @description GET /api/model-versions/[?project=<id>] — versions the user can see (with ``in_use`` for a project).
         *     POST (site staff) — register an admin-supplied SAM checkpoint as a candidate version.
         */
        post: operations["ModelVersionList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/model-versions/{version_id}/promote/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ModelVersionPromote_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/model-versions/{version_id}/rollback/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ModelVersionRollback_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pairs/{pair_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PairDetail_get"];
        put?: never;
        post?: never;
        /** @description Admins only; the pair's change annotations and resampled COG go with it. */
        delete: operations["PairDetail_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pairs/{pair_id}/changes/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PairChangeList_get"];
        put?: never;
        /** @description Either geometry may be left out or null, not both (400, reason `no_geometry`). */
        post: operations["PairChangeList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectList_get"];
        put?: never;
        post: operations["ProjectList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectDetail_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["ProjectDetail_patch"];
        trace?: never;
    };
    "/api/projects/{project_id}/archive/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProjectArchive_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/changes/to-review/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Reviewers and admins: the project's pairs with pending (not deleted) change annotations, most first. */
        get: operations["ProjectChangesToReview_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/classes/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["LabelClassList_get"];
        put?: never;
        post: operations["LabelClassList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/classes/order/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["LabelClassOrder_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/exports/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExportList_get"];
        put?: never;
        post: operations["ExportList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/exports/count/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ExportCount_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/exports/purge/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExportPurge_get"];
        put?: never;
        post: operations["ExportPurge_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/members/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MemberList_get"];
        put?: never;
        post: operations["MemberList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/members/{user_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["MemberDetail_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/model-versions/compare/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ModelVersionCompare_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/model-versions/pair/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Two versions side by side (``?a=<id>&b=<id>``; deltas are b minus a). */
        get: operations["ModelVersionPair_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/pairs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectPairList_get"];
        put?: never;
        /**
         * @description Admins pair two ready scenes; refused (400, `reason`) for other projects' scenes, scenes not ready,
         *     CRSs that cannot be compared or footprints that do not overlap. Different grids: the pair is `resampling`
         *     until the after scene is on the before scene's grid.
         */
        post: operations["ProjectPairList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/review/queue/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description ?scene=&limit=&offset=; {count, results: [Feature]} */
        get: operations["ReviewQueue_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/review/tags/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Tags waiting for review, oldest change first (at most 500). */
        get: operations["TagReviewQueue_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/scenes/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SceneList_get"];
        put?: never;
        post: operations["SceneList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/scenes/composite/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * @description Compose one scene from several files (e.g. SAR amplitude and optical bands): each is checked as a single
         *     upload is; the ingestion reprojects and resamples them onto one grid (the finest source's, or `reference`'s)
         *     over their common footprint and writes one stacked COG, bands in the files' order, float32.
         */
        post: operations["SceneComposite_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/scenes/register/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SceneRegister_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/tag-groups/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TagGroupList_get"];
        put?: never;
        post: operations["TagGroupList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/tags/import/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Preview (commit=false) or import (commit=true) a CSV of tags; all or nothing. */
        post: operations["TagImport_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/tasks/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description ?scene=&status=&mine=1 */
        get: operations["ProjectTaskList_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/tasks/next/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description 200 with the leased task, or 204 when no task is free. */
        post: operations["ProjectTaskNext_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/training-jobs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TrainingJobList_get"];
        put?: never;
        post: operations["TrainingJobList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/training-schedule/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The project's retraining schedule (django-celery-beat crontab). */
        get: operations["TrainingSchedule_get"];
        /** @description The project's retraining schedule (django-celery-beat crontab). */
        put: operations["TrainingSchedule_put"];
        post?: never;
        /** @description The project's retraining schedule (django-celery-beat crontab). */
        delete: operations["TrainingSchedule_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{project_id}/training-settings/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The every-N-corrections threshold and the training settings of a project. */
        get: operations["TrainingSettings_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** @description The every-N-corrections threshold and the training settings of a project. */
        patch: operations["TrainingSettings_patch"];
        trace?: never;
    };
    "/api/projects/{project_id}/users/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description 409 when the username is taken (add an existing user through members/). */
        post: operations["ProjectUserCreate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/proposals/{proposal_id}/accept/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProposalAccept_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/proposals/{proposal_id}/reject/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProposalReject_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/proposals/{proposal_id}/uncertainty.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description 404 when the proposal is not yours to see or its map has expired (15 minutes). */
        get: operations["ProposalUncertainty_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SceneDetail_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["SceneDetail_patch"];
        trace?: never;
    };
    "/api/scenes/{scene_id}/annotations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description GeoJSON FeatureCollection; ?bbox=minlon,minlat,maxlon,maxlat&limit=&offset= (limit ≤ 5000). The
         *     features come as JSON text from the database and are sent as they are.
         */
        get: operations["SceneAnnotationList_get"];
        put?: never;
        post: operations["SceneAnnotationList_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/annotations/{z}/{x}/{y}.mvt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description Mapbox vector tile (layer "annotations"), generalised for its zoom (annotator/vector_tiles.py). ETag = scene
         *     annotations version + z/x/y; `no-cache` makes clients revalidate every time, and an unchanged tile costs a 304
         *     without touching the annotations; a tile already built at this version comes from the process's cache.
         */
        get: operations["SceneAnnotationTile_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/histogram/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SceneHistogram_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/imports/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SceneImport_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/imports/{token}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["SceneImportDiscard_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/imports/{token}/commit/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SceneImportCommit_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/imports/preview/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SceneImportPreview_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/model-bands/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description The bands (and their stretch) that feed the model, apart from the render recipe. Embeddings are keyed by what
         *     the model sees, so a change is never answered from embeddings of other bands.
         */
        get: operations["SceneModelBands_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * @description The bands (and their stretch) that feed the model, apart from the render recipe. Embeddings are keyed by what
         *     the model sees, so a change is never answered from embeddings of other bands.
         */
        patch: operations["SceneModelBands_patch"];
        trace?: never;
    };
    "/api/scenes/{scene_id}/prefetch/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Queues the encodes of the windows covering bbox at the level the scale asks for; 202 with their keys. More windows than GEOLOOP_PREFETCH_AREA_MAX (bounded by the embedding cache) is a 400 `too_many_windows` naming both counts; nothing is queued. */
        post: operations["Prefetch_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/prompt/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description One prompt (points and/or a box) answered with a mask polygon. The scale is one of object_size_m, level or map_resolution. 409 while the scene is not ready; 503 when no worker encodes windows. */
        post: operations["Prompt_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/recipe/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description The scene's render recipe, the presets that fit it, and (admin) edits, audited; tiles and embedding keys
         *     follow the recipe's hash, so an edit invalidates both.
         */
        get: operations["SceneRecipe_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** @description A partial edit: new bands (or a new scale) without min/max get their 2-98 percentiles; null removes gamma or colormap. */
        patch: operations["SceneRecipe_patch"];
        trace?: never;
    };
    "/api/scenes/{scene_id}/recipe/preview.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The whole scene drawn with a draft recipe (not saved): what the editor shows while a recipe is edited. */
        get: operations["SceneRecipePreview_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/tags/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The scene's own tags and its tasks' (with values). */
        get: operations["SceneTagList_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/tags/{group_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** @description Set (or with [] clear) the values a tag group gives the scene. */
        put: operations["SceneTag_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/tasks/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SceneTaskCreate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/tasks/grid/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["SceneTaskGrid_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scenes/{scene_id}/tiles/{z}/{x}/{y}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description y is the row and the format: `{y}.png` or `{y}.webp`. */
        get: operations["SceneTile_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/similar/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Queues a find-similar batch on the gpu queue; poll GET /api/similar/{id}/. 400 when the exemplars are not accepted annotations of one class on one scene or the area is not exactly one of task and bbox; 409 while the scene is not ready. */
        post: operations["SimilarStart_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/similar/{batch_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description GET /api/similar/{id}/ — a batch's state and progress. */
        get: operations["SimilarBatch_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/similar/{batch_id}/proposals/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description GET /api/similar/{id}/proposals/ — the batch's proposals, best first, each with its review outcome. */
        get: operations["SimilarProposals_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tag-groups/{group_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TagGroupDetail_get"];
        put?: never;
        post?: never;
        /** @description Archives the group (never deleted: its tags keep it). */
        delete: operations["TagGroupDetail_delete"];
        options?: never;
        head?: never;
        patch: operations["TagGroupDetail_patch"];
        trace?: never;
    };
    "/api/tags/{tag_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TagDetail_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tags/{tag_id}/review/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TagReview_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{task_id}/heartbeat/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TaskHeartbeat_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{task_id}/submit/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TaskSubmit_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{task_id}/tags/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TaskTagList_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{task_id}/tags/{group_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** @description Set (or with [] clear) the values a tag group gives the task. */
        put: operations["TaskTag_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/training-jobs/{job_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TrainingJobDetail_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/training-jobs/{job_id}/cancel/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TrainingJobCancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AcceptOutput: {
            annotation: components["schemas"]["AnnotationRefOutput"];
            correction: components["schemas"]["CorrectionOutput"];
        };
        /**
         * @description * `accept` - accept
         *     * `reject` - reject
         *     * `fix` - fix
         * @enum {string}
         */
        ActionEnum: "accept" | "reject" | "fix";
        AnnotationDetailPatch: {
            /** @description values of the class's attributes (the full set, checked) */
            attributes?: {
                [key: string]: unknown;
            };
            geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            };
            /**
             * @description a new kind needs its geometry; left out, the kind stays
             *
             *     * `polygon` - Polygon
             *     * `box` - Box
             *     * `rotated_box` - Rotated Box
             *     * `point` - Point
             *     * `line` - Line
             */
            kind?: components["schemas"]["AnnotationKindEnum"];
            label_class?: number;
            /** @default  */
            reason?: string;
            status?: components["schemas"]["AnnotationEditStatusEnum"];
            version?: number;
            /**
             * Format: double
             * @description a line's width in metres (> 0); default 3 scene pixels' ground size; lines only
             */
            width_m?: number;
        };
        /**
         * @description * `draft` - draft
         *     * `accepted` - accepted
         * @enum {string}
         */
        AnnotationEditStatusEnum: "draft" | "accepted";
        /** @description An annotation as a GeoJSON Feature (EPSG:4326). */
        AnnotationFeatureOutput: {
            geometry: components["schemas"]["MultiPolygonOutput"];
            id: number;
            properties: components["schemas"]["AnnotationPropertiesOutput"];
            type: components["schemas"]["FeatureTypeEnum"];
        };
        /**
         * @description * `polygon` - Polygon
         *     * `box` - Box
         *     * `rotated_box` - Rotated Box
         *     * `point` - Point
         *     * `line` - Line
         * @enum {string}
         */
        AnnotationKindEnum: "polygon" | "box" | "rotated_box" | "point" | "line";
        /** @description An annotation's properties (annotator.selectors.annotations.annotation_properties). */
        AnnotationPropertiesOutput: {
            /** @description values of the class's attributes */
            attributes: {
                [key: string]: boolean | number | string;
            };
            /** @description required attributes without a value */
            attributes_missing: string[];
            author: number | null;
            class: components["schemas"]["ClassRefOutput"] | null;
            deleted: boolean;
            id: number;
            /**
             * @description what it stands for; the geometry is always its footprint
             *
             *     * `polygon` - Polygon
             *     * `box` - Box
             *     * `rotated_box` - Rotated Box
             *     * `point` - Point
             *     * `line` - Line
             */
            kind: components["schemas"]["AnnotationKindEnum"];
            model_version_id: number | null;
            /** Format: double */
            predicted_quality: number | null;
            proposal_id: number | null;
            review_reason: string;
            review_state: components["schemas"]["ReviewStateEnum"];
            scene: number;
            /** @description a point's or line's exact Point/LineString (EPSG:4326); null for polygons and boxes, whose shape is the footprint */
            shape: components["schemas"]["ShapeOutput"] | null;
            source: string;
            status: components["schemas"]["AnnotationStatusEnum"];
            task: number | null;
            /** Format: date-time */
            updated_at: string | null;
            version: number;
            /**
             * Format: double
             * @description a line's width in metres (null for other kinds)
             */
            width_m: number | null;
        };
        AnnotationRefOutput: {
            id: number;
            version: number;
        };
        AnnotationRestoreInput: {
            version: number;
        };
        AnnotationReviewInput: {
            action: components["schemas"]["ActionEnum"];
            geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            };
            label_class?: number;
            /** @default  */
            reason?: string;
            version: number;
        };
        /**
         * @description * `draft` - Draft
         *     * `accepted` - Accepted
         *     * `rejected` - Rejected
         * @enum {string}
         */
        AnnotationStatusEnum: "draft" | "accepted" | "rejected";
        /**
         * @description * `vit_t` - vit_t
         *     * `vit_b` - vit_b
         *     * `vit_l` - vit_l
         *     * `vit_h` - vit_h
         * @enum {string}
         */
        ArchitectureEnum: "vit_t" | "vit_b" | "vit_l" | "vit_h";
        /** @description One typed attribute of a class (checked in full by annotator.attributes.schema_check). */
        AttributeDefinition: {
            choices?: string[];
            integer?: boolean;
            /** Format: double */
            max?: number | null;
            max_length?: number;
            /** Format: double */
            min?: number | null;
            name: string;
            /** @default false */
            required?: boolean;
            type: components["schemas"]["AttributeTypeEnum"];
        };
        /** @description A stored definition: normalised by annotator.attributes, so ``required`` is always there. */
        AttributeDefinitionOutput: {
            choices?: string[];
            integer?: boolean;
            /** Format: double */
            max?: number | null;
            max_length?: number;
            /** Format: double */
            min?: number | null;
            name: string;
            required: boolean;
            type: components["schemas"]["AttributeTypeEnum"];
        };
        /**
         * @description * `boolean` - boolean
         *     * `number` - number
         *     * `choice` - choice
         *     * `text` - text
         * @enum {string}
         */
        AttributeTypeEnum: "boolean" | "number" | "choice" | "text";
        /** @enum {unknown} */
        BlankEnum: "";
        CandidateOutput: {
            chosen: boolean;
            /** @description simplified GeoJSON MultiPolygon (EPSG:4326); null for the answer (it is the mask's geometry) or an empty candidate */
            geometry: unknown;
            /** @description 0: the answer; what an accept's `candidate` names */
            index: number;
            /** Format: double */
            predicted_iou: number | null;
            /**
             * Format: double
             * @description calibrated expected IoU, [0, 1], the answer's calibrator
             */
            quality: number;
            /** @description SAM's output token (0 single-mask, 1..3 multimask) */
            token: number;
        };
        ChangeDetailPatch: {
            /** @description null empties the after side */
            after_geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            } | null;
            /** @description null empties the before side */
            before_geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            } | null;
            label_class?: number | null;
            /** @description the version last seen (409 when stale) */
            version?: number;
        };
        ChangeEditedOutput: {
            /** @description GeoJSON MultiPolygon, EPSG:4326, or null */
            after_geometry: unknown;
            after_proposal_id: number | null;
            author: string | null;
            /** @description GeoJSON MultiPolygon, EPSG:4326, or null */
            before_geometry: unknown;
            before_proposal_id: number | null;
            can_edit: boolean;
            class_name: string | null;
            color: string | null;
            /** Format: date-time */
            created_at: string;
            deleted: boolean;
            edit_refusal: string | null;
            id: number;
            /** @description what the geometry checks repaired or clipped, per side */
            info: {
                [key: string]: unknown;
            };
            label_class: number | null;
            pair: number;
            /** @description the reviewer's reason (a rejection's); empty when none */
            review_reason: string;
            review_state: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        ChangeOutput: {
            /** @description GeoJSON MultiPolygon, EPSG:4326, or null */
            after_geometry: unknown;
            after_proposal_id: number | null;
            author: string | null;
            /** @description GeoJSON MultiPolygon, EPSG:4326, or null */
            before_geometry: unknown;
            before_proposal_id: number | null;
            can_edit: boolean;
            class_name: string | null;
            color: string | null;
            /** Format: date-time */
            created_at: string;
            deleted: boolean;
            edit_refusal: string | null;
            id: number;
            label_class: number | null;
            pair: number;
            /** @description the reviewer's reason (a rejection's); empty when none */
            review_reason: string;
            review_state: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        ChangeReviewInput: {
            action: components["schemas"]["ActionEnum"];
            /** @description fix: the after side (null empties it) */
            after_geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            } | null;
            /** @description fix: the before side (null empties it) */
            before_geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            } | null;
            /** @description fix: the change class */
            label_class?: number | null;
            /**
             * @description required to reject
             * @default
             */
            reason?: string;
            /** @description the version last seen (409 when stale) */
            version: number;
        };
        /** @description The label class an annotation has, as annotations name it. */
        ClassRefOutput: {
            color: string;
            id: number;
            name: string;
        };
        /**
         * @description * `viridis` - viridis
         *     * `magma` - magma
         *     * `inferno` - inferno
         *     * `cividis` - cividis
         *     * `terrain` - terrain
         *     * `rdylgn` - rdylgn
         *     * `spectral` - spectral
         *     * `ylgn` - ylgn
         *     * `jet` - jet
         *     * `greys` - greys
         * @enum {string}
         */
        ColormapEnum: "viridis" | "magma" | "inferno" | "cividis" | "terrain" | "rdylgn" | "spectral" | "ylgn" | "jet" | "greys";
        CompareOutput: {
            versions: components["schemas"]["CompareRowOutput"][];
        };
        /** @description One version as last evaluated (feedback.selectors.version_comparison). */
        CompareRowOutput: {
            benchmark: {
                [key: string]: number | null;
            };
            /** Format: date-time */
            created_at: string | null;
            /** @description the gate's promote, reasons and deltas */
            gate: {
                [key: string]: unknown;
            } | null;
            /** @description the gate's verdict; null: never ran */
            gate_passed: boolean | null;
            held_out: {
                [key: string]: number | null;
            };
            id: number;
            in_use: boolean;
            name: string;
            override_reason: string;
            parent: number | null;
            project: number | null;
            /** Format: date-time */
            promoted_at: string | null;
            state: string;
            training_job: number | null;
        };
        CorrectionOutput: {
            annotation: number | null;
            clicks_added: number;
            id: number;
            /** Format: double */
            iou: number | null;
            /** @description index of the proposal's candidate the annotator kept (0: the model's answer) */
            kept_candidate: number | null;
            outcome: string;
            proposal: number;
            /** Format: double */
            seconds_spent: number;
            /** @description the find-similar batch that proposed it (null: an annotator's own prompt) */
            similar_batch?: number | null;
            vertices_moved: number;
        };
        CredentialsInput: {
            password: string;
            username: string;
        };
        /** @description One annotation answered to one user, with `can_edit` / `edit_refusal` in its properties. */
        EditableFeatureOutput: {
            geometry: components["schemas"]["MultiPolygonOutput"];
            id: number;
            properties: components["schemas"]["EditablePropertiesOutput"];
            type: components["schemas"]["FeatureTypeEnum"];
        };
        /** @description The properties of one annotation answered to one user: whether they may change it and, if not, why. */
        EditablePropertiesOutput: {
            /** @description values of the class's attributes */
            attributes: {
                [key: string]: boolean | number | string;
            };
            /** @description required attributes without a value */
            attributes_missing: string[];
            author: number | null;
            can_edit: boolean;
            class: components["schemas"]["ClassRefOutput"] | null;
            deleted: boolean;
            /** @description the rule that refuses an edit */
            edit_refusal: string | null;
            id: number;
            /**
             * @description what it stands for; the geometry is always its footprint
             *
             *     * `polygon` - Polygon
             *     * `box` - Box
             *     * `rotated_box` - Rotated Box
             *     * `point` - Point
             *     * `line` - Line
             */
            kind: components["schemas"]["AnnotationKindEnum"];
            model_version_id: number | null;
            /** Format: double */
            predicted_quality: number | null;
            proposal_id: number | null;
            review_reason: string;
            review_state: components["schemas"]["ReviewStateEnum"];
            scene: number;
            /** @description a point's or line's exact Point/LineString (EPSG:4326); null for polygons and boxes, whose shape is the footprint */
            shape: components["schemas"]["ShapeOutput"] | null;
            source: string;
            status: components["schemas"]["AnnotationStatusEnum"];
            task: number | null;
            /** Format: date-time */
            updated_at: string | null;
            version: number;
            /**
             * Format: double
             * @description a line's width in metres (null for other kinds)
             */
            width_m: number | null;
        };
        /** @description An annotation just created or changed, with what was done to the geometry on the way in. */
        EditedFeatureOutput: {
            geometry: components["schemas"]["MultiPolygonOutput"];
            id: number;
            /** @description what the server did to the geometry (repaired, clipped, ...) */
            info: {
                [key: string]: unknown;
            };
            properties: components["schemas"]["EditablePropertiesOutput"];
            type: components["schemas"]["FeatureTypeEnum"];
        };
        /**
         * @description The body of every error answer. A GeoLoop error (``core.errors``) has ``detail`` and ``code`` and may add
         *     facts under their own keys (``retry_after``, ``reason``; an import refused as a whole: ``imported`` 0 and
         *     ``errors``, one per refused item); a request body that fails its serializer answers each failing field's
         *     messages under the field's name instead.
         */
        ErrorOutput: {
            /** @description stable machine-readable reason, e.g. not_found */
            code?: string;
            /** @description what went wrong, for a person */
            detail?: string;
        };
        ExportCountInput: {
            filters?: components["schemas"]["Filters"];
        };
        ExportCountOutput: {
            annotations: number;
            by_class: {
                [key: string]: number;
            };
            scenes: number;
        };
        ExportCreateInput: {
            filters?: components["schemas"]["Filters"];
            /** @description A name from GET /api/exports/formats/. */
            format: string;
            /** @description The format's parameters (GET /api/exports/formats/). */
            parameters?: {
                [key: string]: unknown;
            };
        };
        ExportOutput: {
            /** Format: date-time */
            created_at: string;
            created_by?: string | null;
            readonly download_url: string | null;
            error: string;
            /** @description Succeeded, but the archive was removed (retention). */
            readonly expired: boolean;
            filters: components["schemas"]["Filters"];
            /** Format: date-time */
            finished_at: string | null;
            format: string;
            id: number;
            /** @description counts, per-file sha256, scenes with checksums, model versions */
            manifest: components["schemas"]["ManifestOutput"];
            parameters: {
                [key: string]: unknown;
            };
            /** Format: double */
            progress: number;
            project_id: number;
            /** @description The scenes whose sockets carry this export's progress. */
            readonly scene_ids: number[];
            status: components["schemas"]["JobStatusEnum"];
        };
        ExportPurgeInput: {
            /** @description Default: the EXPORT_RETENTION_DAYS setting. */
            older_than_days?: number;
        };
        ExportPurgeOutput: {
            folders: number;
            freed_bytes: number;
            older_than_days: number;
            /** @description Jobs whose archive was removed. */
            removed: number;
        };
        ExportRetentionOutput: {
            /** @description Archives older than this are removed daily; 0 = kept. */
            retention_days: number;
        };
        /**
         * @description * `FeatureCollection` - FeatureCollection
         * @enum {string}
         */
        FeatureCollectionTypeEnum: "FeatureCollection";
        /** @description A page of a scene's annotations as a GeoJSON FeatureCollection, ordered by id. */
        FeaturePageOutput: {
            /** @description changes whenever an annotation of the scene does */
            annotations_version: number;
            features: components["schemas"]["AnnotationFeatureOutput"][];
            limit: number;
            /** @description the next page's offset; null on the last */
            next_offset: number | null;
            offset: number;
            type: components["schemas"]["FeatureCollectionTypeEnum"];
        };
        /**
         * @description * `Feature` - Feature
         * @enum {string}
         */
        FeatureTypeEnum: "Feature";
        FigureOutput: {
            name: string;
            /** Format: double */
            value: number | null;
        };
        FiguresOutput: {
            /**
             * Format: double
             * @description ECE of the predicted IoU
             */
            ece_predicted_iou: number | null;
            max_clicks: number | null;
            /**
             * Format: double
             * @description mean IoU after 1 click(s)
             */
            "mIoU@1": number | null;
            /**
             * Format: double
             * @description mean IoU after 5 click(s)
             */
            "mIoU@5": number | null;
            n_objects: number | null;
            /** @description objects that never got there */
            "never@80": number | null;
            /** @description objects that never got there */
            "never@85": number | null;
            /** @description objects that never got there */
            "never@90": number | null;
            /**
             * Format: double
             * @description mean clicks to IoU 0.8
             */
            "NoC@80": number | null;
            /**
             * Format: double
             * @description mean clicks to IoU 0.85
             */
            "NoC@85": number | null;
            /**
             * Format: double
             * @description mean clicks to IoU 0.9
             */
            "NoC@90": number | null;
        };
        /** @description Which annotations an export takes (every key optional). */
        Filters: {
            /** @description Label-class ids or names; none = every class. */
            classes?: string[];
            /** @description Only annotations a reviewer approved. */
            reviewed_only?: boolean;
            /** @description Scene ids; none = every ready scene of the project. */
            scenes?: number[];
            /**
             * Format: date-time
             * @description Created at or after.
             */
            since?: string | null;
            /** @description Annotation sources; default all. */
            sources?: components["schemas"]["SourcesEnum"][];
            /** @description Annotation statuses; default ["draft", "accepted"]. */
            statuses?: components["schemas"]["StatusesEnum"][];
            /**
             * Format: date-time
             * @description Created before.
             */
            until?: string | null;
        };
        /**
         * @description * `geojson` - geojson
         *     * `geopackage` - geopackage
         *     * `coco` - coco
         * @enum {string}
         */
        FormatEnum: "geojson" | "geopackage" | "coco";
        FormatOutput: {
            /** @description Parameter name -> allowed values. */
            choices: {
                [key: string]: (boolean | number | string | number[])[];
            };
            description: string;
            name: string;
            /** @description Each parameter typed, in the exporter's order. */
            options: components["schemas"]["FormatParameter"][];
            /** @description Parameter name -> default. */
            parameters: {
                [key: string]: boolean | number | string | number[];
            };
        };
        FormatParameter: {
            choices: (boolean | number | string | number[])[] | null;
            default: boolean | number | string | number[];
            name: string;
            type: components["schemas"]["FormatParameterTypeEnum"];
        };
        /**
         * @description * `boolean` - boolean
         *     * `integer` - integer
         *     * `number` - number
         *     * `number_list` - number_list
         *     * `string` - string
         * @enum {string}
         */
        FormatParameterTypeEnum: "boolean" | "integer" | "number" | "number_list" | "string";
        GateOutput: {
            deltas: {
                [key: string]: number;
            };
            promote: boolean;
            reasons: string[];
        };
        /** @description The scene's pixel grid (of the stored COG, which keeps the source's grid). */
        GridOutput: {
            /** @description the same transform in rasterio/affine order (a, b, c, d, e, f): Affine(*affine) */
            affine: [
                number,
                number,
                number,
                number,
                number,
                number
            ];
            band_count: number;
            /** @description "EPSG:<code>" when the CRS has one, else its WKT */
            crs: string;
            /** @description numpy dtype of each band */
            dtypes: string[];
            /** @description rows */
            height: number;
            /** Format: double */
            nodata: number | null;
            /** @description "corner": the transform places pixel corners (GDAL, rasterio) */
            pixel_origin: string;
            /** @description GDAL geotransform (c, a, b, f, d, e): x = c + a*col + b*row, y = f + d*col + e*row, with (col, row) the pixel's top-left corner (col + 0.5, row + 0.5 is its centre) */
            transform: [
                number,
                number,
                number,
                number,
                number,
                number
            ];
            /** @description columns */
            width: number;
        };
        HistogramOutput: {
            band: number;
            count: number;
            counts: number[];
            edges: number[];
            /** Format: double */
            max: number | null;
            /** Format: double */
            min: number | null;
            /** Format: double */
            p2: number | null;
            /** Format: double */
            p98: number | null;
            scale: string;
        };
        ImportCommitInput: {
            /**
             * @description Import the valid features and skip the refused ones.
             * @default false
             */
            skip_invalid?: boolean;
        };
        ImportInput: {
            /**
             * @description Feature property naming the class (default: class, label, category or class_name).
             * @default
             */
            class_property?: string;
            /**
             * @description Class of features that name none.
             * @default
             */
            default_class?: string;
            /**
             * Format: uri
             * @description GeoJSON, GeoPackage, or COCO JSON / a zip of COCO JSON with its georeference sidecars.
             */
            file: string;
            /**
             * @description Guessed from the file when blank.
             *
             *     * `geojson` - geojson
             *     * `geopackage` - geopackage
             *     * `coco` - coco
             * @default
             */
            format?: components["schemas"]["FormatEnum"] | components["schemas"]["BlankEnum"];
            /**
             * @description GeoPackage layer.
             * @default
             */
            layer?: string;
        };
        ImportReport: {
            by_class?: {
                [key: string]: number;
            };
            clipped: number;
            file?: string;
            format: string;
            ids: number[];
            imported: number;
            repaired: number;
            skipped?: components["schemas"]["ItemError"][];
        };
        ItemError: {
            /** @description Where in the file: "feature 3", "image a.tif, annotation 7", "file". */
            item: string;
            message: string;
            reason: string;
        };
        /** @description A job as the Models screen shows it: the log cut to its tail. */
        JobDetailOutput: {
            base_model: number;
            cancel_requested: boolean;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            finished_at: string | null;
            id: number;
            readonly log: string;
            readonly log_lines: number;
            metrics: unknown;
            parameters: unknown;
            progress: components["schemas"]["TrainingProgressOutput"];
            project: number;
            result_model: number | null;
            /** Format: date-time */
            started_at: string | null;
            status: components["schemas"]["JobStatusEnum"];
            trigger: string;
        };
        /**
         * @description * `queued` - Queued
         *     * `running` - Running
         *     * `succeeded` - Succeeded
         *     * `failed` - Failed
         *     * `cancelled` - Cancelled
         * @enum {string}
         */
        JobStatusEnum: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        LabelClassCreate: {
            attributes?: components["schemas"]["AttributeDefinition"][];
            color?: string;
            name: string;
            order?: number;
        };
        LabelClassOrder: {
            /** @description every class id of the project, in the new order */
            classes: number[];
        };
        LabelClassOutput: {
            archived: boolean;
            attributes: components["schemas"]["AttributeDefinitionOutput"][];
            color: string;
            id: number;
            name: string;
            order: number;
        };
        LocationOutput: {
            /** @description west, south, east, north (EPSG:4326) */
            bbox: [
                number,
                number,
                number,
                number
            ];
            /** @description lon, lat */
            centroid: [
                number,
                number
            ];
            scene: number | null;
        };
        LoginOutput: {
            /** Format: date-time */
            expires_at: string;
            token: string;
            user: components["schemas"]["UserOutput"];
        };
        ManifestCountsOutput: {
            annotations: number;
            per_class: {
                [key: string]: number;
            };
            per_scene?: {
                [key: string]: number;
            };
            per_source?: {
                [key: string]: number;
            };
            scenes: number;
        };
        /** @description annotator/exports/manifest.py: empty until the export succeeded. */
        ManifestOutput: {
            counts?: components["schemas"]["ManifestCountsOutput"];
            /** @description path -> sha256 */
            files?: {
                [key: string]: string;
            };
            filters?: components["schemas"]["Filters"];
            format?: string;
            format_report?: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            last_annotation_change?: string | null;
            manifest_version?: number;
            model_versions?: number[];
            parameters?: {
                [key: string]: unknown;
            };
            project?: string;
            scenes?: components["schemas"]["ManifestSceneOutput"][];
        };
        ManifestSceneOutput: {
            annotations_version?: number;
            checksum: string;
            crs?: string;
            height?: number;
            id: number;
            name: string;
            width?: number;
        };
        MaskOutput: {
            candidates: components["schemas"]["CandidateOutput"][];
            /** @description GeoJSON MultiPolygon in EPSG:4326 */
            geometry: unknown;
            model_version: number;
            parts: number;
            /** Format: double */
            predicted_iou: number;
            proposal_id: number;
            /** Format: double */
            quality: number | null;
            timings: {
                [key: string]: unknown;
            };
            type: string;
            /** @description whether the previous answer's logits (previous_proposal_id) were fed to the decoder */
            used_previous_logits: boolean;
            window: components["schemas"]["WindowOutput"];
        };
        MemberListInput: {
            role: components["schemas"]["RoleEnum"];
            username: string;
        };
        MemberOutput: {
            role: components["schemas"]["RoleEnum"];
            user_id: number;
            username: string;
        };
        /** @description The bands the model sees: one (repeated as grey) or three, with optional min/max (else 2-98 percentiles). */
        ModelBandsInput: {
            bands: number[];
            max?: number[];
            min?: number[];
        };
        ModelBandsOutput: {
            band_count: number;
            band_descriptions: string[];
            can_edit: boolean;
            /** @description what the model sees now (model bands, else the render recipe) */
            effective: components["schemas"]["RecipeFullOutput"];
            /** @description null: the model sees the render recipe */
            model_bands: components["schemas"]["RecipeFullOutput"] | null;
        };
        ModelVersionListInput: {
            architecture: components["schemas"]["ArchitectureEnum"];
            checkpoint_path: string;
            name?: string;
            parent?: number | null;
            project?: number | null;
            sha256?: string;
        };
        ModelVersionPromoteInput: {
            /** @default  */
            override_reason?: string;
        };
        /** @description RFC 7946 MultiPolygon: polygons of rings of [lon, lat]. */
        MultiPolygonOutput: {
            coordinates: number[][][][];
            type: components["schemas"]["MultiPolygonTypeEnum"];
        };
        /**
         * @description * `MultiPolygon` - MultiPolygon
         * @enum {string}
         */
        MultiPolygonTypeEnum: "MultiPolygon";
        /** @enum {unknown} */
        NullEnum: null;
        ObjectDeltaOutput: {
            a: {
                [key: string]: number | null;
            };
            b: {
                [key: string]: number | null;
            };
            /** @description b minus a */
            delta: {
                [key: string]: number;
            };
            label: string;
            location: components["schemas"]["LocationOutput"] | null;
        };
        PairChangeListInput: {
            /** @description GeoJSON (Multi)Polygon on the after date, EPSG:4326 */
            after_geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            } | null;
            /** @description the model answer taken as the after geometry */
            after_proposal_id?: number | null;
            /** @description GeoJSON (Multi)Polygon on the before date, EPSG:4326 */
            before_geometry?: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            } | null;
            /** @description the model answer taken as the before geometry */
            before_proposal_id?: number | null;
            /** @description the change class */
            label_class?: number | null;
        };
        PairOutput: {
            a: components["schemas"]["VersionHeadOutput"];
            b: components["schemas"]["VersionHeadOutput"];
            /** @description both scored in one run on the same objects */
            paired: boolean;
            /** @description held_out and/or benchmark */
            splits: {
                [key: string]: components["schemas"]["SplitCompareOutput"];
            };
        };
        PasswordChangeInput: {
            new_password: string;
            old_password: string;
        };
        PatchedLabelClassPatch: {
            archived?: boolean;
            attributes?: components["schemas"]["AttributeDefinition"][];
            color?: string;
            name?: string;
            order?: number;
        };
        PatchedModelBandsPatch: {
            /** @description null: follow the render recipe */
            model_bands?: components["schemas"]["ModelBandsInput"] | null;
        };
        /** @description A render recipe or a partial edit of one (annotator.imagery.recipe checks it against the scene). */
        PatchedRecipe: {
            bands?: number[];
            /**
             * @description one band only
             *
             *     * `viridis` - viridis
             *     * `magma` - magma
             *     * `inferno` - inferno
             *     * `cividis` - cividis
             *     * `terrain` - terrain
             *     * `rdylgn` - rdylgn
             *     * `spectral` - spectral
             *     * `ylgn` - ylgn
             *     * `jet` - jet
             *     * `greys` - greys
             */
            colormap?: (components["schemas"]["ColormapEnum"] | components["schemas"]["NullEnum"]) | null;
            /** @description per band, 0.1..10; above 1 brightens */
            gamma?: number[] | null;
            max?: number[];
            min?: number[];
            /**
             * @description db: values shown as 10*log10(value) (SAR intensity)
             *
             *     * `linear` - linear
             *     * `db` - db
             */
            scale?: components["schemas"]["ScaleEnum"];
        };
        /** @description Refuses keys it does not know (a typo must not pass silently), naming the key. */
        PatchedTrainingSettings: {
            /** @description promote a candidate the gate passes without asking */
            auto_promote?: boolean;
            /** @description clicks per object in evaluation (the protocol's 20) */
            eval_max_clicks?: number;
            /**
             * Format: double
             * @description significance level of the gate's paired test on held-out objects
             */
            gate_alpha?: number;
            /** @description also score on the fixed Atlanta benchmark */
            gate_benchmark?: boolean;
            /**
             * Format: double
             * @description how many clicks NoC may worsen
             */
            gate_tolerance_clicks?: number;
            /**
             * Format: double
             * @description how much mIoU or ECE may worsen
             */
            gate_tolerance_iou?: number;
            /**
             * Format: double
             * @description share of spatial blocks held out for the gate
             */
            held_out_share?: number;
            /** @description train after every N new corrections (0: off) */
            retrain_every_n?: number;
            /**
             * Format: double
             * @description size of the spatial blocks, metres (0: sized from the objects)
             */
            split_block_m?: number;
            /**
             * Format: double
             * @description weight of the IoU-head regression on real IoUs
             */
            train_iou_weight?: number;
            /**
             * Format: double
             * @description learning rate
             */
            train_lr?: number;
            /** @description most simulated clicks per training sample */
            train_max_clicks?: number;
            /**
             * Format: double
             * @description weight of the candidates' pairwise ranking loss (0: off)
             */
            train_rank_weight?: number;
            /** @description optimiser steps per run */
            train_steps?: number;
        };
        PendingPairOutput: {
            after_name: string;
            before_name: string;
            name: string;
            pair: number;
            /** @description change annotations of the pair waiting for review */
            pending: number;
        };
        /**
         * @description * `dataset` - dataset
         *     * `train` - train
         *     * `evaluate` - evaluate
         * @enum {string}
         */
        PhaseEnum: "dataset" | "train" | "evaluate";
        /** @description The current phase's own counters and figure. */
        PhaseProgressOutput: {
            /** Format: double */
            eta_s?: number | null;
            figure?: components["schemas"]["FigureOutput"] | null;
            model?: string;
            split?: string;
            step?: number;
            total?: number;
        };
        /** @description RFC 7946 Polygon: rings of [lon, lat], the first the outer one. */
        PolygonOutput: {
            coordinates: number[][][];
            type: components["schemas"]["PolygonTypeEnum"];
        };
        /**
         * @description * `Polygon` - Polygon
         * @enum {string}
         */
        PolygonTypeEnum: "Polygon";
        /** @description The scale of a prompt or a prefetch: exactly one of the three (inference.services.proposals.parse). */
        PrefetchInput: {
            /** @description [min x, min y, max x, max y] in bbox_crs */
            bbox: [
                number,
                number,
                number,
                number
            ];
            /**
             * @description "EPSG:4326" (lon/lat, the default) or the scene's `crs`
             * @default EPSG:4326
             */
            bbox_crs?: string;
            /** @description Give exactly one of object_size_m, level, map_resolution. The window level: a window samples 2**level source pixels per model pixel and covers 1024 * 2**level source pixels a side (from -2 up to the level whose one window covers the scene; outside that range: 400). */
            level?: number;
            /**
             * Format: double
             * @description Give exactly one of object_size_m, level, map_resolution. Ground metres per screen pixel of a map view (what the browser sends): one window pixel per screen pixel.
             */
            map_resolution?: number;
            /** @description default: the project's active version */
            model_version?: number;
            /**
             * Format: double
             * @description Give exactly one of object_size_m, level, map_resolution. The object's rough side in metres: the window is chosen so that it spans about three times the object.
             */
            object_size_m?: number;
        };
        PrefetchOutput: {
            /** @description already encoded */
            cached: number;
            /** @description windows covering the box */
            count: number;
            level: number;
            /** @description already queued by someone else */
            pending: number;
            /** @description encodes queued now */
            queued: number;
            /** @description their keys (L<level>/c<col>/r<row>/s<size>) */
            windows: string[];
        };
        PresetOutput: {
            changes: components["schemas"]["Recipe"];
            label: string;
            name: string;
        };
        PreviewOutput: {
            /** @description Valid features per class ("" = no class). */
            by_class: {
                [key: string]: number;
            };
            /** @description Every feature is valid: a commit imports them all. */
            can_import: boolean;
            /** @description A commit with skip_invalid imports the valid ones. */
            can_import_valid: boolean;
            clipped: number;
            errors: components["schemas"]["ItemError"][];
            /** Format: date-time */
            expires_at: string;
            /** @description Features read (valid + refused). */
            features: number;
            file: string;
            format: string;
            refusal_reasons: {
                [key: string]: number;
            };
            refused: number;
            repaired: number;
            token: string;
            valid: number;
            /** @description Valid features carrying class attributes (GeoJSON properties / GeoPackage columns `attr_<name>` or the name, COCO `attributes`), checked against the class. */
            with_attributes: number;
        };
        ProjectDetailInput: {
            archived?: boolean;
            description?: string;
            name?: string;
            settings?: {
                [key: string]: unknown;
            };
        };
        ProjectListInput: {
            classes?: string[];
            /** @default  */
            description?: string;
            /** @default  */
            name?: string;
            settings?: {
                [key: string]: unknown;
            };
            slug: string;
        };
        ProjectPairListInput: {
            /** @description after scene id (a READY scene of the project) */
            after: number;
            /** Format: date */
            after_date?: string | null;
            /** @description before scene id (a READY scene of the project) */
            before: number;
            /**
             * Format: date
             * @description default: the before scene's creation date
             */
            before_date?: string | null;
            /** @default  */
            name?: string;
        };
        /** @description A project with the signed-in user's role in it (null: site staff who is no member). */
        ProjectRoleOutput: {
            archived: boolean;
            description: string;
            id: number;
            name: string;
            role: (components["schemas"]["RoleEnum"] | components["schemas"]["NullEnum"]) | null;
            settings: unknown;
            slug: string;
        };
        ProjectTaskNextInput: {
            scene?: number | null;
        };
        ProjectUserCreateInput: {
            email?: string;
            /** @description checked by the password validators; left out: one is generated and answered once */
            password?: string;
            /** @default annotator */
            role?: components["schemas"]["RoleEnum"];
            username: string;
        };
        ProjectUserCreateOutput: {
            /** @description the generated password (null when given) */
            password: string | null;
            role: string;
            user_id: number;
            username: string;
        };
        PromoteOutput: {
            in_use: components["schemas"]["VersionOutput"];
            version: components["schemas"]["VersionOutput"];
        };
        /** @description The scale of a prompt or a prefetch: exactly one of the three (inference.services.proposals.parse). */
        PromptInput: {
            /** @description [min lon, min lat, max lon, max lat] (EPSG:4326) */
            box?: [
                number,
                number,
                number,
                number
            ] | null;
            /** @description the class being drawn: the sizes of its accepted annotations score the candidates (else the project's) */
            label_class?: number | null;
            /** @description one per point: 1 object, 0 background */
            labels?: number[];
            /** @description Give exactly one of object_size_m, level, map_resolution. The window level: a window samples 2**level source pixels per model pixel and covers 1024 * 2**level source pixels a side (from -2 up to the level whose one window covers the scene; outside that range: 400). */
            level?: number;
            /**
             * Format: double
             * @description Give exactly one of object_size_m, level, map_resolution. Ground metres per screen pixel of a map view (what the browser sends): one window pixel per screen pixel.
             */
            map_resolution?: number;
            /** @description default: the project's active version */
            model_version?: number;
            /**
             * Format: double
             * @description Give exactly one of object_size_m, level, map_resolution. The object's rough side in metres: the window is chosen so that it spans about three times the object.
             */
            object_size_m?: number;
            /** @description [[lon, lat], ...] in EPSG:4326 */
            points?: [
                number,
                number
            ][];
            /** @description the answer this prompt corrects: its low-resolution logits are fed back when the prompt still fits its window and the same model answers */
            previous_proposal_id?: number | null;
        };
        ProposalAcceptInput: {
            /** @description keep this candidate of the proposal (index into the mask answer's candidates; 0 or absent: the answer); its polygon is stored unless geometry is sent */
            candidate?: number | null;
            /** @default 0 */
            clicks_added?: number;
            geometry?: unknown;
            label_class?: number | null;
            /**
             * Format: double
             * @default 0
             */
            seconds_spent?: number;
            task?: number | null;
            /** @default 0 */
            vertices_moved?: number;
        };
        ProposalRejectInput: {
            /** @default 0 */
            clicks_added?: number;
            /**
             * Format: double
             * @default 0
             */
            seconds_spent?: number;
        };
        /** @description A render recipe or a partial edit of one (annotator.imagery.recipe checks it against the scene). */
        Recipe: {
            bands?: number[];
            /**
             * @description one band only
             *
             *     * `viridis` - viridis
             *     * `magma` - magma
             *     * `inferno` - inferno
             *     * `cividis` - cividis
             *     * `terrain` - terrain
             *     * `rdylgn` - rdylgn
             *     * `spectral` - spectral
             *     * `ylgn` - ylgn
             *     * `jet` - jet
             *     * `greys` - greys
             */
            colormap?: (components["schemas"]["ColormapEnum"] | components["schemas"]["NullEnum"]) | null;
            /** @description per band, 0.1..10; above 1 brightens */
            gamma?: number[] | null;
            max?: number[];
            min?: number[];
            /**
             * @description db: values shown as 10*log10(value) (SAR intensity)
             *
             *     * `linear` - linear
             *     * `db` - db
             */
            scale?: components["schemas"]["ScaleEnum"];
        };
        /** @description A scene's render recipe as it stands: bands, and the min/max each is stretched over, always there. */
        RecipeFullOutput: {
            bands: number[];
            /**
             * @description one band only
             *
             *     * `viridis` - viridis
             *     * `magma` - magma
             *     * `inferno` - inferno
             *     * `cividis` - cividis
             *     * `terrain` - terrain
             *     * `rdylgn` - rdylgn
             *     * `spectral` - spectral
             *     * `ylgn` - ylgn
             *     * `jet` - jet
             *     * `greys` - greys
             */
            colormap?: (components["schemas"]["ColormapEnum"] | components["schemas"]["NullEnum"]) | null;
            /** @description per band, 0.1..10; above 1 brightens */
            gamma?: number[] | null;
            max: number[];
            min: number[];
            /**
             * @description db: values shown as 10*log10(value) (SAR intensity)
             *
             *     * `linear` - linear
             *     * `db` - db
             */
            scale?: components["schemas"]["ScaleEnum"];
        };
        RecipeOutput: {
            band_count: number;
            can_edit: boolean;
            colormaps: string[];
            dtype: string;
            presets: components["schemas"]["PresetOutput"][];
            radiometry: string;
            recipe: components["schemas"]["RecipeFullOutput"];
        };
        RejectOutput: {
            correction: components["schemas"]["CorrectionOutput"];
        };
        ReliabilityBinOutput: {
            count: number;
            /** Format: double */
            hi: number;
            /** Format: double */
            lo: number;
            /** Format: double */
            mean_actual: number | null;
            /** Format: double */
            mean_predicted: number | null;
        };
        /** @description Annotations waiting for review, least confident first, then oldest. */
        ReviewQueueOutput: {
            count: number;
            limit: number;
            offset: number;
            results: components["schemas"]["AnnotationFeatureOutput"][];
        };
        /**
         * @description * `pending` - Pending
         *     * `approved` - Approved
         *     * `rejected` - Rejected
         *     * `not_needed` - not needing review
         * @enum {string}
         */
        ReviewStateEnum: "pending" | "approved" | "rejected" | "not_needed";
        /** @description One stored version of an annotation. */
        RevisionOutput: {
            /** @description username */
            author: string | null;
            class: components["schemas"]["ClassRefOutput"] | null;
            /** Format: date-time */
            created_at: string;
            deleted: boolean;
            geometry: components["schemas"]["MultiPolygonOutput"];
            kind: components["schemas"]["AnnotationKindEnum"];
            reason: string;
            shape: components["schemas"]["ShapeOutput"] | null;
            status: components["schemas"]["AnnotationStatusEnum"];
            version: number;
            /** Format: double */
            width_m: number | null;
        };
        /**
         * @description * `annotator` - Annotator
         *     * `reviewer` - Reviewer
         *     * `admin` - Admin
         * @enum {string}
         */
        RoleEnum: "annotator" | "reviewer" | "admin";
        RollbackOutput: {
            in_use: components["schemas"]["VersionOutput"];
        };
        /**
         * @description * `linear` - linear
         *     * `db` - db
         * @enum {string}
         */
        ScaleEnum: "linear" | "db";
        SceneAnnotationListInput: {
            /** @description values of the class's attributes (the full set) */
            attributes?: {
                [key: string]: unknown;
            } | null;
            geometry: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            };
            /**
             * @description polygon (Polygon/MultiPolygon), box (a 4-corner Polygon axis-aligned in the scene's CRS), rotated_box (a 4-corner rectangle), point (Point) or line (LineString); the stored geometry is the footprint
             *
             *     * `polygon` - Polygon
             *     * `box` - Box
             *     * `rotated_box` - Rotated Box
             *     * `point` - Point
             *     * `line` - Line
             * @default polygon
             */
            kind?: components["schemas"]["AnnotationKindEnum"];
            label_class?: number | null;
            /** @default accepted */
            status?: components["schemas"]["AnnotationEditStatusEnum"];
            task?: number | null;
            /**
             * Format: double
             * @description a line's width in metres (> 0); default 3 scene pixels' ground size; lines only
             */
            width_m?: number | null;
        };
        SceneCompositeInput: {
            /** @description the source GeoTIFFs, in band order */
            files: string[];
            /** @default  */
            name?: string;
            /** @description 0-based index of the file whose grid (CRS, pixel size) the stack takes; default: the finest (smallest GSD) */
            reference?: number | null;
        };
        SceneDetailInput: {
            name?: string;
            render_recipe?: {
                [key: string]: unknown;
            };
        };
        SceneListInput: {
            /** Format: uri */
            file: string;
            /** @default  */
            name?: string;
        };
        /** @description A scene as every scene API answers it (``scene_out``). */
        SceneOutput: {
            band_count: number;
            /** @description [minLon, minLat, maxLon, maxLat] in EPSG:4326 */
            bounds: [
                number,
                number,
                number,
                number
            ] | null;
            crs: string;
            dtype: string;
            footprint: components["schemas"]["PolygonOutput"] | null;
            /** @description null until the scene is ingested */
            grid: components["schemas"]["GridOutput"] | null;
            /**
             * Format: double
             * @description metres per pixel
             */
            gsd: number | null;
            height: number;
            id: number;
            maxzoom: number;
            minzoom: number;
            /** @description the bands (and stretch) the model sees; null: the render recipe's (PATCH /api/scenes/{id}/model-bands/) */
            model_bands: components["schemas"]["Recipe"] | null;
            name: string;
            /** Format: double */
            nodata: number | null;
            /**
             * Format: double
             * @description ingestion progress, 0..1
             */
            progress: number;
            /** @description empty until ingestion has chosen one */
            render_recipe: components["schemas"]["Recipe"];
            /** @description a composite scene's source files, in band order; empty for a single-file scene */
            sources: string[];
            status: components["schemas"]["SceneOutputStatusEnum"];
            status_reason: string;
            /** @description an XYZ template: /api/scenes/{id}/tiles/{z}/{x}/{y}.png */
            tiles_url: string;
            width: number;
        };
        /**
         * @description * `ingesting` - Ingesting
         *     * `ready` - Ready
         *     * `failed` - Failed
         * @enum {string}
         */
        SceneOutputStatusEnum: "ingesting" | "ready" | "failed";
        ScenePairOutput: {
            /** @description after scene id */
            after: number;
            /** Format: date */
            after_date: string | null;
            after_name: string;
            /** @description before scene id */
            before: number;
            /** Format: date */
            before_date: string | null;
            before_name: string;
            /** @description lon/lat bounds of the overlap of the two footprints */
            bounds: number[] | null;
            changes_version: number;
            /** Format: date-time */
            created_at: string;
            /** @description the common grid: crs, transform (GDAL), width, height, before_offset, after_offset */
            grid: {
                [key: string]: unknown;
            };
            /** @description crs, resolution, rotation, alignment: why it was resampled */
            grid_differences: string[];
            id: number;
            name: string;
            /**
             * Format: double
             * @description overlap area / the smaller footprint's area
             */
            overlap_share: number;
            /** Format: double */
            progress: number;
            project: number;
            /** @description the after scene was resampled onto the common grid */
            resampled: boolean;
            status: components["schemas"]["ScenePairOutputStatusEnum"];
            status_reason: string;
        };
        /**
         * @description * `resampling` - resampling
         *     * `ready` - ready
         *     * `failed` - failed
         * @enum {string}
         */
        ScenePairOutputStatusEnum: "resampling" | "ready" | "failed";
        SceneRegisterInput: {
            /** @default  */
            name?: string;
            path: string;
        };
        SceneTaskCreateInput: {
            area: {
                coordinates: [
                    number,
                    number
                ][][] | [
                    number,
                    number
                ][][][];
                /** @enum {string} */
                type: "Polygon" | "MultiPolygon";
            };
            assignee?: number | null;
        };
        SceneTaskGridInput: {
            assignees?: number[];
            /** Format: double */
            cell_size_m: number;
        };
        ScheduleEnvelope: {
            schedule: components["schemas"]["ScheduleOutput"] | null;
        };
        ScheduleOutput: {
            crontab: string;
            enabled: boolean;
            /** Format: date-time */
            last_run_at: string | null;
            /** Format: date-time */
            next_run_at: string | null;
            preset: components["schemas"]["ScheduleOutputPresetEnum"];
            timezone: string;
            total_run_count: number;
        };
        /**
         * @description * `nightly` - nightly
         *     * `weekly` - weekly
         *     * `custom` - custom
         * @enum {string}
         */
        ScheduleOutputPresetEnum: "nightly" | "weekly" | "custom";
        SettingRangeOutput: {
            help: string;
            kind: components["schemas"]["SettingRangeOutputKindEnum"];
            /** Format: double */
            max: number | null;
            /** Format: double */
            min: number | null;
        };
        /**
         * @description * `int` - int
         *     * `float` - float
         *     * `bool` - bool
         * @enum {string}
         */
        SettingRangeOutputKindEnum: "int" | "float" | "bool";
        /** @description RFC 7946 Point ([lon, lat]) or LineString ([[lon, lat], ...]). */
        ShapeOutput: {
            /** @description [lon, lat] for a Point, [[lon, lat], ...] for a LineString */
            coordinates: unknown;
            type: components["schemas"]["ShapeOutputTypeEnum"];
        };
        /**
         * @description * `Point` - Point
         *     * `LineString` - LineString
         * @enum {string}
         */
        ShapeOutputTypeEnum: "Point" | "LineString";
        SimilarBatchOutput: {
            /** @description the area searched: [min lon, min lat, max lon, max lat] */
            readonly bbox: number[];
            /** Format: date-time */
            created_at: string;
            /** @description why it failed (empty otherwise) */
            error: string;
            /** @description exemplar annotation ids */
            exemplars: number[];
            /** Format: date-time */
            finished_at: string | null;
            id: number;
            label_class: number | null;
            /**
             * Format: double
             * @description 0 to 1
             */
            progress: number;
            project: number;
            /** @description how many proposals the batch holds now */
            readonly proposals: number;
            scene: number;
            /** @description encode, similarity, decode, done (empty while queued) */
            stage: string;
            /** @description level, windows, encoded, threshold (the similarity cut derived from the exemplars), peaks, decoded, kept, seconds */
            stats: {
                [key: string]: unknown;
            };
            /** @description queued, running, done or failed */
            status: string;
            task: number | null;
        };
        SimilarProposalOutput: {
            /** @description the annotation it became, once accepted */
            annotation: number | null;
            /** @description GeoJSON MultiPolygon, EPSG:4326 */
            geometry: unknown;
            id: number;
            /** @description accepted, edited or rejected once reviewed; null while open */
            outcome: string | null;
            /** Format: double */
            predicted_iou: number;
            /**
             * Format: double
             * @description calibrated expected IoU
             */
            quality: number | null;
            /**
             * Format: double
             * @description cosine similarity of its prompt's cell to the exemplars
             */
            similarity: number | null;
        };
        SimilarStartInput: {
            /** @description [min lon, min lat, max lon, max lat] to search (or give task) */
            bbox?: [
                number,
                number,
                number,
                number
            ] | null;
            /** @description accepted annotations of one class on one scene */
            exemplars: number[];
            /**
             * Format: int64
             * @description search this task's area (or give bbox)
             */
            task?: number | null;
        };
        /**
         * @description * `model` - model
         *     * `human` - human
         *     * `imported` - imported
         * @enum {string}
         */
        SourcesEnum: "model" | "human" | "imported";
        SplitCompareOutput: {
            a: components["schemas"]["SplitSideOutput"] | null;
            b: components["schemas"]["SplitSideOutput"] | null;
            /** @description b minus a, keyed like the figures */
            deltas: {
                [key: string]: number;
            };
            objects: components["schemas"]["ObjectDeltaOutput"][];
        };
        SplitSideOutput: {
            figures: components["schemas"]["FiguresOutput"];
            /** @description mean IoU after 1, 2, ... clicks */
            iou_curve: number[];
            reliability: components["schemas"]["ReliabilityBinOutput"][];
        };
        /**
         * @description * `draft` - draft
         *     * `accepted` - accepted
         *     * `rejected` - rejected
         * @enum {string}
         */
        StatusesEnum: "draft" | "accepted" | "rejected";
        TagGroupDetailPatch: {
            archived?: boolean;
            multi?: boolean;
            name?: string;
            order?: number;
            values?: string[];
        };
        TagGroupListInput: {
            /** @default false */
            multi?: boolean;
            name: string;
            order?: number;
            values: string[];
        };
        TagGroupOutput: {
            archived: boolean;
            id: number;
            /** @description multi-label: a target may carry several values */
            multi: boolean;
            name: string;
            order: number;
            values: string[];
        };
        TagImportInput: {
            /**
             * @description false: preview only (nothing is written); true: import
             * @default false
             */
            commit?: boolean;
            /**
             * Format: uri
             * @description a CSV of tags as the tags_csv export writes it
             */
            file: string;
        };
        TagImportReport: {
            committed: boolean;
            create: number;
            errors: {
                [key: string]: unknown;
            }[];
            imported: number;
            rows: number;
            unchanged: number;
            update: number;
        };
        TagOutput: {
            author?: string | null;
            group: number;
            group_name: string;
            id: number;
            review_reason: string;
            review_state: components["schemas"]["ReviewStateEnum"];
            scene: number;
            target: components["schemas"]["TargetEnum"];
            task: number | null;
            /** Format: date-time */
            updated_at: string;
            values: string[];
            version: number;
        };
        TagReviewInput: {
            action: components["schemas"]["ActionEnum"];
            /** @default  */
            reason?: string;
            /** @description a fix: the right values */
            values?: string[];
            version: number;
        };
        TagSetInput: {
            /** @default  */
            reason?: string;
            /** @description the group's values this target carries; [] clears the tag */
            values: string[];
            /** @description the version the tag was read at (required once it exists) */
            version?: number | null;
        };
        /**
         * @description * `scene` - scene
         *     * `task` - task
         * @enum {string}
         */
        TargetEnum: "scene" | "task";
        TaskGridOutput: {
            count: number;
            tasks: components["schemas"]["TaskOutput"][];
        };
        TaskOutput: {
            /** @description in lists only */
            annotation_count: number | null;
            area: components["schemas"]["PolygonOutput"];
            assignee: number | null;
            /** Format: date-time */
            heartbeat_at: string | null;
            id: number;
            /** Format: date-time */
            lease_expires_at: string | null;
            lease_holder: number | null;
            project: number;
            scene: number;
            status: components["schemas"]["TaskOutputStatusEnum"];
        };
        /**
         * @description * `new` - New
         *     * `in_progress` - In Progress
         *     * `submitted` - Submitted
         *     * `reviewed` - Reviewed
         * @enum {string}
         */
        TaskOutputStatusEnum: "new" | "in_progress" | "submitted" | "reviewed";
        TokenOutput: {
            /** Format: date-time */
            expires_at: string;
            token: string;
        };
        TrainingJobCreateInput: {
            parameters?: components["schemas"]["TrainParameters"];
        };
        /**
         * @description A job's progress: step/total/loss/eta_s at the top level count the fine-tune; ``current`` is the phase
         *     running now (dataset objects, training steps, evaluated objects).
         */
        TrainingProgressOutput: {
            current?: components["schemas"]["PhaseProgressOutput"];
            /** @description loss curve so far: [step, loss] points */
            curve?: [
                number,
                number
            ][];
            /** Format: double */
            elapsed_s?: number;
            /** Format: double */
            eta_s?: number | null;
            figure?: components["schemas"]["FigureOutput"] | null;
            /** Format: double */
            loss?: number;
            /** Format: double */
            loss_avg10?: number;
            model?: string;
            phase?: components["schemas"]["PhaseEnum"];
            split?: string;
            step?: number;
            total?: number;
        };
        /** @description Refuses keys it does not know (a typo must not pass silently), naming the key. */
        TrainingScheduleInput: {
            /** @description minute hour day-of-month month day-of-week */
            crontab?: string;
            /** @default true */
            enabled?: boolean;
            preset?: components["schemas"]["TrainingScheduleInputPresetEnum"];
        };
        /**
         * @description * `nightly` - nightly
         *     * `weekly` - weekly
         * @enum {string}
         */
        TrainingScheduleInputPresetEnum: "nightly" | "weekly";
        /** @description Refuses keys it does not know (a typo must not pass silently), naming the key. */
        TrainingSettings: {
            /** @description promote a candidate the gate passes without asking */
            auto_promote?: boolean;
            /** @description clicks per object in evaluation (the protocol's 20) */
            eval_max_clicks?: number;
            /**
             * Format: double
             * @description significance level of the gate's paired test on held-out objects
             */
            gate_alpha?: number;
            /** @description also score on the fixed Atlanta benchmark */
            gate_benchmark?: boolean;
            /**
             * Format: double
             * @description how many clicks NoC may worsen
             */
            gate_tolerance_clicks?: number;
            /**
             * Format: double
             * @description how much mIoU or ECE may worsen
             */
            gate_tolerance_iou?: number;
            /**
             * Format: double
             * @description share of spatial blocks held out for the gate
             */
            held_out_share?: number;
            /** @description train after every N new corrections (0: off) */
            retrain_every_n?: number;
            /**
             * Format: double
             * @description size of the spatial blocks, metres (0: sized from the objects)
             */
            split_block_m?: number;
            /**
             * Format: double
             * @description weight of the IoU-head regression on real IoUs
             */
            train_iou_weight?: number;
            /**
             * Format: double
             * @description learning rate
             */
            train_lr?: number;
            /** @description most simulated clicks per training sample */
            train_max_clicks?: number;
            /**
             * Format: double
             * @description weight of the candidates' pairwise ranking loss (0: off)
             */
            train_rank_weight?: number;
            /** @description optimiser steps per run */
            train_steps?: number;
        };
        TrainingSettingsOutput: {
            /** @description per setting */
            ranges: {
                [key: string]: components["schemas"]["SettingRangeOutput"];
            };
            settings: components["schemas"]["TrainingSettings"];
        };
        /** @description Per-run overrides of the project's training settings (all optional). */
        TrainParameters: {
            benchmark?: boolean;
            benchmark_objects?: number;
            eval_max_clicks?: number;
            /** Format: double */
            iou_weight?: number;
            /** Format: double */
            lr?: number;
            max_clicks?: number;
            max_objects?: number;
            /** Format: double */
            rank_weight?: number;
            seed?: number;
            steps?: number;
            /** Format: double */
            weight_decay?: number;
        };
        UserOutput: {
            id: number;
            is_staff: boolean;
            username: string;
        };
        VersionHeadOutput: {
            /** Format: date-time */
            created_at: string | null;
            gate: components["schemas"]["GateOutput"] | null;
            gate_passed: boolean | null;
            id: number;
            in_use: boolean;
            name: string;
            override_reason: string;
            parent: number | null;
            project: number | null;
            state: string;
            training: {
                [key: string]: unknown;
            } | null;
            training_job: number | null;
        };
        VersionListOutput: {
            architecture: string;
            checkpoint_sha256: string;
            /** Format: date-time */
            created_at: string;
            encoder_sha256: string;
            /** @description the evaluation gate's verdict; null: never ran */
            gate_passed: boolean | null;
            id: number;
            /** @description whether the project asked about (?project=) uses it now */
            in_use: boolean;
            metrics: unknown;
            name: string;
            /** @description why it was promoted against (or without) the gate */
            override_reason: string;
            parent: number | null;
            project: number | null;
            /** Format: date-time */
            promoted_at: string | null;
            promoted_by?: string | null;
            state: string;
        };
        VersionOutput: {
            architecture: string;
            checkpoint_sha256: string;
            /** Format: date-time */
            created_at: string;
            encoder_sha256: string;
            /** @description the evaluation gate's verdict; null: never ran */
            gate_passed: boolean | null;
            id: number;
            metrics: unknown;
            name: string;
            /** @description why it was promoted against (or without) the gate */
            override_reason: string;
            parent: number | null;
            project: number | null;
            /** Format: date-time */
            promoted_at: string | null;
            promoted_by?: string | null;
            state: string;
        };
        WindowOutput: {
            /** @description [min lon, min lat, max lon, max lat] (EPSG:4326) */
            bounds: number[] | null;
            /** @description scene pixels [x min, y min, x max, y max] (may pass the edge) */
            bounds_px: number[];
            col: number;
            key: string;
            level: number;
            /** @description the window's four corners [lon, lat]: top left, top right, bottom right, bottom left */
            outline: [
                number,
                number
            ][] | null;
            row: number;
            /**
             * Format: double
             * @description source pixels per model pixel (2**level)
             */
            scale: number;
            /** @description model pixels a side (1024) */
            size: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    AnnotationDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                annotation_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EditableFeatureOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    AnnotationDetail_delete: {
        parameters: {
            query?: {
                /** @description instead of the body's */
                version?: number;
            };
            header?: never;
            path: {
                annotation_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EditableFeatureOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    AnnotationDetail_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                annotation_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AnnotationDetailPatch"];
                "application/x-www-form-urlencoded": components["schemas"]["AnnotationDetailPatch"];
                "multipart/form-data": components["schemas"]["AnnotationDetailPatch"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EditedFeatureOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    AnnotationHistory_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                annotation_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevisionOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    AnnotationRestore_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                annotation_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnnotationRestoreInput"];
                "application/x-www-form-urlencoded": components["schemas"]["AnnotationRestoreInput"];
                "multipart/form-data": components["schemas"]["AnnotationRestoreInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EditableFeatureOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    AnnotationReview_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                annotation_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnnotationReviewInput"];
                "application/x-www-form-urlencoded": components["schemas"]["AnnotationReviewInput"];
                "multipart/form-data": components["schemas"]["AnnotationReviewInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnnotationFeatureOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    Csrf_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        csrftoken?: string;
                    };
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    Login_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsInput"];
                "application/x-www-form-urlencoded": components["schemas"]["CredentialsInput"];
                "multipart/form-data": components["schemas"]["CredentialsInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too many attempts; retry after the Retry-After header's seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    Logout_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    Me_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    PasswordChange_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChangeInput"];
                "application/x-www-form-urlencoded": components["schemas"]["PasswordChangeInput"];
                "multipart/form-data": components["schemas"]["PasswordChangeInput"];
            };
        };
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too many attempts; retry after the Retry-After header's seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TokenLogin_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsInput"];
                "application/x-www-form-urlencoded": components["schemas"]["CredentialsInput"];
                "multipart/form-data": components["schemas"]["CredentialsInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Too many attempts; retry after the Retry-After header's seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    WsTicket_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        expires_in?: number;
                        ticket?: string;
                    };
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ChangeDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                change_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ChangeDetail_delete: {
        parameters: {
            query?: {
                /** @description instead of the body's */
                version?: number;
            };
            header?: never;
            path: {
                change_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ChangeDetail_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                change_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ChangeDetailPatch"];
                "application/x-www-form-urlencoded": components["schemas"]["ChangeDetailPatch"];
                "multipart/form-data": components["schemas"]["ChangeDetailPatch"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeEditedOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ChangeReview_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                change_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeReviewInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ChangeReviewInput"];
                "multipart/form-data": components["schemas"]["ChangeReviewInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    LabelClassDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                class_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelClassOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    LabelClassDetail_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                class_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    LabelClassDetail_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                class_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedLabelClassPatch"];
                "application/x-www-form-urlencoded": components["schemas"]["PatchedLabelClassPatch"];
                "multipart/form-data": components["schemas"]["PatchedLabelClassPatch"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelClassOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                export_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportCancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                export_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportDownload_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                export_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/zip": string;
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportFormats_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FormatOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ModelVersionList_get: {
        parameters: {
            query?: {
                /** @description with `in_use` for this project */
                project?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionListOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ModelVersionList_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ModelVersionListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ModelVersionListInput"];
                "multipart/form-data": components["schemas"]["ModelVersionListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ModelVersionPromote_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ModelVersionPromoteInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ModelVersionPromoteInput"];
                "multipart/form-data": components["schemas"]["ModelVersionPromoteInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromoteOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ModelVersionRollback_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RollbackOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    PairDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pair_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScenePairOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    PairDetail_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pair_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    PairChangeList_get: {
        parameters: {
            query?: {
                /** @description 1: include deleted change annotations */
                deleted?: "1";
            };
            header?: never;
            path: {
                pair_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    PairChangeList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                pair_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PairChangeListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["PairChangeListInput"];
                "multipart/form-data": components["schemas"]["PairChangeListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeEditedOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectList_get: {
        parameters: {
            query?: {
                /** @description 1: archived ones too */
                archived?: "1";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectRoleOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectList_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProjectListInput"];
                "multipart/form-data": components["schemas"]["ProjectListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectRoleOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectRoleOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectDetail_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ProjectDetailInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProjectDetailInput"];
                "multipart/form-data": components["schemas"]["ProjectDetailInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectRoleOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectArchive_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectRoleOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectChangesToReview_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PendingPairOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    LabelClassList_get: {
        parameters: {
            query?: {
                /** @description 1: archived classes too */
                archived?: boolean;
            };
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelClassOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    LabelClassList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LabelClassCreate"];
                "application/x-www-form-urlencoded": components["schemas"]["LabelClassCreate"];
                "multipart/form-data": components["schemas"]["LabelClassCreate"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelClassOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    LabelClassOrder_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LabelClassOrder"];
                "application/x-www-form-urlencoded": components["schemas"]["LabelClassOrder"];
                "multipart/form-data": components["schemas"]["LabelClassOrder"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelClassOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportList_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportCreateInput"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportCount_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ExportCountInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportCountOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportPurge_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportRetentionOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ExportPurge_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ExportPurgeInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportPurgeOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    MemberList_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    MemberList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["MemberListInput"];
                "multipart/form-data": components["schemas"]["MemberListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    MemberDetail_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ModelVersionCompare_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompareOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ModelVersionPair_get: {
        parameters: {
            query: {
                a: number;
                b: number;
            };
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PairOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectPairList_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScenePairOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectPairList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectPairListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProjectPairListInput"];
                "multipart/form-data": components["schemas"]["ProjectPairListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScenePairOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ReviewQueue_get: {
        parameters: {
            query?: {
                /** @description 1..500 (50) */
                limit?: number;
                offset?: number;
                scene?: number;
            };
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReviewQueueOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagReviewQueue_get: {
        parameters: {
            query?: {
                scene?: number;
            };
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneList_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SceneOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["SceneListInput"];
                "multipart/form-data": components["schemas"]["SceneListInput"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SceneOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneComposite_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["SceneCompositeInput"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SceneOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneRegister_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SceneRegisterInput"];
                "application/x-www-form-urlencoded": components["schemas"]["SceneRegisterInput"];
                "multipart/form-data": components["schemas"]["SceneRegisterInput"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SceneOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagGroupList_get: {
        parameters: {
            query?: {
                /** @description 1: archived groups too */
                archived?: boolean;
            };
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagGroupOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagGroupList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TagGroupListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["TagGroupListInput"];
                "multipart/form-data": components["schemas"]["TagGroupListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagGroupOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagImport_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["TagImportInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagImportReport"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectTaskList_get: {
        parameters: {
            query?: {
                /** @description 1: the user's tasks only */
                mine?: "1";
                scene?: number;
                status?: "in_progress" | "new" | "reviewed" | "submitted";
            };
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectTaskNext_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ProjectTaskNextInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProjectTaskNextInput"];
                "multipart/form-data": components["schemas"]["ProjectTaskNextInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskOutput"];
                };
            };
            /** @description no task is free */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingJobList_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingJobList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TrainingJobCreateInput"];
                "application/x-www-form-urlencoded": components["schemas"]["TrainingJobCreateInput"];
                "multipart/form-data": components["schemas"]["TrainingJobCreateInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingSchedule_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleEnvelope"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingSchedule_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TrainingScheduleInput"];
                "application/x-www-form-urlencoded": components["schemas"]["TrainingScheduleInput"];
                "multipart/form-data": components["schemas"]["TrainingScheduleInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleEnvelope"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingSchedule_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingSettings_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingSettingsOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingSettings_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedTrainingSettings"];
                "application/x-www-form-urlencoded": components["schemas"]["PatchedTrainingSettings"];
                "multipart/form-data": components["schemas"]["PatchedTrainingSettings"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingSettingsOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProjectUserCreate_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectUserCreateInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProjectUserCreateInput"];
                "multipart/form-data": components["schemas"]["ProjectUserCreateInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectUserCreateOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProposalAccept_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                proposal_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ProposalAcceptInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProposalAcceptInput"];
                "multipart/form-data": components["schemas"]["ProposalAcceptInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProposalReject_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                proposal_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ProposalRejectInput"];
                "application/x-www-form-urlencoded": components["schemas"]["ProposalRejectInput"];
                "multipart/form-data": components["schemas"]["ProposalRejectInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RejectOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    ProposalUncertainty_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                proposal_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SceneOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneDetail_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SceneDetailInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SceneOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneAnnotationList_get: {
        parameters: {
            query?: {
                /** @description minlon,minlat,maxlon,maxlat (EPSG:4326): features intersecting it */
                bbox?: string;
                /** @description 1: include deleted annotations */
                deleted?: "1";
                /** @description page size, default 1000, at most 5000 */
                limit?: number;
                /** @description features to skip (ordered by id) */
                offset?: number;
            };
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeaturePageOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneAnnotationList_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SceneAnnotationListInput"];
                "application/x-www-form-urlencoded": components["schemas"]["SceneAnnotationListInput"];
                "multipart/form-data": components["schemas"]["SceneAnnotationListInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EditedFeatureOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneAnnotationTile_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
                x: number;
                y: number;
                z: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.mapbox-vector-tile": string;
                };
            };
            /** @description unchanged since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneHistogram_get: {
        parameters: {
            query: {
                band: number;
                /** @description 4..256 (64) */
                bins?: number;
                scale?: "db" | "linear";
            };
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistogramOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneImport_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ImportInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportReport"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneImportDiscard_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneImportCommit_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
                token: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ImportCommitInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportReport"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneImportPreview_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ImportInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PreviewOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneModelBands_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelBandsOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneModelBands_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedModelBandsPatch"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelBandsOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    Prefetch_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PrefetchInput"];
                "application/x-www-form-urlencoded": components["schemas"]["PrefetchInput"];
                "multipart/form-data": components["schemas"]["PrefetchInput"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrefetchOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    Prompt_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PromptInput"];
                "application/x-www-form-urlencoded": components["schemas"]["PromptInput"];
                "multipart/form-data": components["schemas"]["PromptInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaskOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneRecipe_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecipeOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneRecipe_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedRecipe"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecipeOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneRecipePreview_get: {
        parameters: {
            query?: {
                /** @description JSON of a partial recipe edit */
                recipe?: string;
                /** @description longest side, 16..1024 (512) */
                size?: number;
            };
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneTagList_get: {
        parameters: {
            query?: {
                /** @description only this task's tags (and none of the scene's own) */
                task?: number;
            };
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneTag_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group_id: number;
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TagSetInput"];
                "application/x-www-form-urlencoded": components["schemas"]["TagSetInput"];
                "multipart/form-data": components["schemas"]["TagSetInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneTaskCreate_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SceneTaskCreateInput"];
                "application/x-www-form-urlencoded": components["schemas"]["SceneTaskCreateInput"];
                "multipart/form-data": components["schemas"]["SceneTaskCreateInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneTaskGrid_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SceneTaskGridInput"];
                "application/x-www-form-urlencoded": components["schemas"]["SceneTaskGridInput"];
                "multipart/form-data": components["schemas"]["SceneTaskGridInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskGridOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SceneTile_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                scene_id: string;
                x: string;
                y: string;
                z: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                    "image/webp": string;
                };
            };
            /** @description unchanged since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SimilarStart_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimilarStartInput"];
                "application/x-www-form-urlencoded": components["schemas"]["SimilarStartInput"];
                "multipart/form-data": components["schemas"]["SimilarStartInput"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimilarBatchOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SimilarBatch_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                batch_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimilarBatchOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    SimilarProposals_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                batch_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimilarProposalOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagGroupDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagGroupOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagGroupDetail_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagGroupDetail_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TagGroupDetailPatch"];
                "application/x-www-form-urlencoded": components["schemas"]["TagGroupDetailPatch"];
                "multipart/form-data": components["schemas"]["TagGroupDetailPatch"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagGroupOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tag_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TagReview_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tag_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TagReviewInput"];
                "application/x-www-form-urlencoded": components["schemas"]["TagReviewInput"];
                "multipart/form-data": components["schemas"]["TagReviewInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TaskHeartbeat_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TaskSubmit_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TaskTagList_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"][];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TaskTag_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group_id: number;
                task_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TagSetInput"];
                "application/x-www-form-urlencoded": components["schemas"]["TagSetInput"];
                "multipart/form-data": components["schemas"]["TagSetInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The body is not in a media type this route reads (see the request body's content types). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingJobDetail_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
    TrainingJobCancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailOutput"];
                };
            };
            /** @description The request was refused: its body, query string or path is wrong (the fields are named). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description No credentials, or credentials that are not valid (an unknown or expired token). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The user may not do this here (role, site staff, or a missing CSRF token on a session). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description Nothing of that id the user can see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The current state refuses it (a stale version, a lease held by another, a job or scene not ready). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description The request body is larger than this route accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
            /** @description A service the server needs (Redis, the task broker, a worker, the model) is out of reach; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorOutput"];
                };
            };
        };
    };
}
