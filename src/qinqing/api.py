"""The typed API at /api/v1 (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from qinqing.core.api import ApiKeyAuth, QinqingNinjaAPI, QinqingSessionAuth, install_error_handlers
from qinqing.core.api import router as core_router
from qinqing.core.calendar.api import router as calendar_router
from qinqing.directory.api import router as directory_router
from qinqing.policy.api import router as policy_router

api = QinqingNinjaAPI(
    title="qinqing 亲清 API",
    version="1",
    description="Typed API of the qinqing platform. Authenticate with an `X-API-Key` header "
    "(keys are created with `./qinqing apikey create`) or a logged-in session. "
    "Errors are JSON: `{code, message, field}`.\n\n"
    "**Retrying writes safely:** send an `Idempotency-Key` header (1–255 printable ASCII "
    "characters, e.g. a UUID) with any POST/PUT/PATCH/DELETE. The first answer is stored with "
    "the call's own writes for 24 hours; the same key with the same request returns that answer "
    "again (header `Idempotent-Replayed: true`) and creates nothing; the same key with another "
    "request answers 422 `idempotency_key_reused`; a call that failed with a 5xx is not "
    "remembered, so retry it with the same key. Keys are per API key (or per session user).",
    urls_namespace="api-v1",
    auth=[ApiKeyAuth(), QinqingSessionAuth()],
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/calendar/", calendar_router)
api.add_router("/policy/", policy_router)
api.add_router("/directory/", directory_router)
api.add_router("/conduct/", "qinqing.conduct.api.router")
api.add_router("/liaison/", "qinqing.liaison.api.router")
api.add_router("/tolerance/", "qinqing.tolerance.api.router")
api.add_router("/legal/", "qinqing.legal.api.router")
api.add_router("/integrity/", "qinqing.integrity.api.router")
api.add_router("/supervision/", "qinqing.supervision.api.router")
api.add_router("/fairness/", "qinqing.fairness.api.router")
api.add_router("/commitments/", "qinqing.commitments.api.router")
api.add_router("/appeals/hotline/", "qinqing.appeals.hotline.api.router")  # before /appeals/{tracking_number}
api.add_router("/appeals/", "qinqing.appeals.api.router")
api.add_router("/appeals-stats/", "qinqing.appeals.dashboard.api.router")
