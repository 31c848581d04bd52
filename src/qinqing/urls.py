from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from qinqing.api import api
from qinqing.core import views as core_views
from qinqing.core.jobs import views as jobs_views
from qinqing.core.transparency import views as transparency_views

handler400 = "qinqing.core.views.error_400"
handler403 = "qinqing.core.views.error_403"
handler404 = "qinqing.core.views.error_404"
handler500 = "qinqing.core.views.error_500"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/jobs", jobs_views.jobs_health, name="healthz_jobs"),
    # The audit log's signed heads and proofs, public (issue 19, core.transparency).
    path("transparency/", transparency_views.transparency, name="transparency"),
    path("transparency/heads.json", transparency_views.transparency_heads, name="transparency_heads"),
    path("transparency/proof.json", transparency_views.transparency_proof, name="transparency_proof"),
    path("transparency/consistency.json", transparency_views.transparency_consistency,
         name="transparency_consistency"),
    # Filing receipts: the inclusion proof of a filing's event, checked in the browser (issue 19).
    path("transparency/receipt/", transparency_views.receipt_lookup, name="transparency_receipt_lookup"),
    path("transparency/receipt/<str:code>.json", transparency_views.receipt_json,
         name="transparency_receipt_json"),
    path("transparency/receipt/<str:code>/", transparency_views.receipt_page, name="transparency_receipt"),
    path("r/<str:code>", transparency_views.receipt_short, name="receipt_short"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("policy/", include("qinqing.policy.urls")),
    path("directory/", include("qinqing.directory.urls")),
    path("appeals/", include("qinqing.appeals.urls")),
    path("conduct/", include("qinqing.conduct.urls")),
    path("integrity/", include("qinqing.integrity.urls")),
    path("supervision/", include("qinqing.supervision.urls")),
    path("fairness/", include("qinqing.fairness.urls")),
    path("liaison/", include("qinqing.liaison.urls")),
    path("tolerance/", include("qinqing.tolerance.urls")),
    path("legal/", include("qinqing.legal.urls")),
    path("commitments/", include("qinqing.commitments.urls")),
    path("", include("qinqing.appeals.intake.urls")),
    path("", include("qinqing.core.urls")),
]
