"""API key scopes. A key may only call endpoints whose scope it holds."""

from django.utils.translation import gettext_lazy as _

SCOPES: dict[str, str] = {
    "directory:read": _("Read units, officials and enterprises"),
    "directory:write": _("Create and update directory records"),
    "policy:read": _("Read the policy articles"),
    "calendar:read": _("Compute working-day deadlines"),
    "audit:read": _("Read audit events and verify the chain"),
    "appeals:read": _("Read enterprise appeals"),
    "appeals:write": _("File and update enterprise appeals"),
    "appeals:hotline": _("Push 12345 hotline work orders and read their results"),
    "conduct:read": _("Verify approval letters and read officials' conflicts of interest (articles 14, 15)"),
    "integrity:query": _("Ask whether an enterprise or person is restricted (article 21)"),
    "fairness:check": _("Check a document for discriminatory clauses (article 5)"),
    "jobs:read": _("Read the background jobs' health (/healthz/jobs, for monitoring)"),
}
