"""The supervision dashboard pages (article 8): figures, charts, overdue list, hot topics, ledger.

Who: the supervision office (``appeals.services.SUPERVISION_ROLES``: district and supervising
leaders, administrators) and discipline inspectors, who only read. Only the supervision
office may ask for the figures to be recomputed now.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.core import clock
from qinqing.core.access import may_open
from qinqing.core.errors import ServiceError
from qinqing.core.excel import xlsx_response

from ..workflow import services
from . import charts, figures


def _filter(request) -> tuple[figures.Filter, dict]:
    try:
        return figures.make_filter(
            from_month=request.GET.get("from_month"),
            to_month=request.GET.get("to_month"),
            unit=request.GET.get("unit"),
        ), {}
    except ServiceError as error:
        return figures.make_filter(), {error.field or "form": error.text()}


def _charts(result: figures.Figures) -> dict:
    months = [f"{line.month:%Y-%m}" for line in result.months]
    monthly = charts.column_chart(
        chart_id="chart-monthly",
        title=_("Appeals received and answered on time, per month"),
        description=_(
            "Bars per month: appeals received, and appeals answered on or before their deadline. "
            "The table below gives the same figures."
        ),
        categories=months,
        unit=_("Appeals (number)"),
        series=[
            charts.Series(_("Received"), [line.received for line in result.months], "received"),
            charts.Series(_("Answered on time"), [line.on_time for line in result.months], "on-time"),
        ],
    )
    satisfaction = charts.bar_chart(
        chart_id="chart-satisfaction",
        title=_("Satisfaction rate per handling unit"),
        description=_(
            "One bar per unit: satisfied and basically satisfied ratings as a share of all "
            "ratings. The table below gives the same figures."
        ),
        rows=[(line.unit_name or _("Not yet dispatched"), line.satisfaction_rate) for line in result.units],
        missing=_("no ratings yet"),
    )
    return {"monthly_chart": monthly, "satisfaction_chart": satisfaction}


def dashboard_page(request):
    from qinqing.directory.models import Unit

    flt, errors = _filter(request)
    result = figures.figures(flt)
    overdue, overdue_count = figures.overdue_list(flt)
    context = {
        "filter": flt,
        "errors": errors,
        "figures": result,
        "overdue": overdue,
        "overdue_count": overdue_count,
        "units": Unit.objects.filter(is_active=True).order_by("code").values("pk", "name"),
        "may_refresh": services.is_supervision(request.user),
        "may_supervise": may_open(request.user, "appeals:supervision"),  # inspectors read the dashboard only
        "may_open_appeals": may_open(request.user, "appeals:detail"),  # inspectors: no appeal pages
        "stale": result.computed_on != clock.today(),
        **_charts(result),
    }
    return render(request, "appeals/dashboard.html", context, status=400 if errors else 200)


@require_POST
def dashboard_refresh(request):
    result = figures.refresh_requested(actor=request.user)
    messages.success(request, _("Figures recomputed for %(count)s month(s).") % {"count": len(result.months)})
    return redirect("appeals:dashboard")


def dashboard_ledger(request):
    flt, errors = _filter(request)
    if errors:
        return dashboard_page(request)  # the page shows the field error (status 400)
    filename = _("appeals-ledger") + f"-{flt.first_month:%Y%m}-{flt.last_month:%Y%m}.xlsx"
    return xlsx_response(filename, figures.LEDGER_HEADERS, figures.ledger_rows(flt), sheet_title=_("Ledger"))
