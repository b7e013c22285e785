"""Reports: one page per report (filters, then each table with its chart beside it) and a CSV of each
table. Read-only; the report's scope comes from the signed-in user and nothing else."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user

from marketplace.core.roles import Role, role_required
from marketplace.reports.catalogue import CATALOGUE
from marketplace.reports.charts import chart_svg
from marketplace.reports.forms import ReportFilterForm
from marketplace.reports.scope import REPORTS_BY_SCOPE, Filters, default_filters, pinned, scope_for

bp = Blueprint("reports", __name__, url_prefix="/reports")

REPORT_ROLES = (Role.ADMIN, Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE, Role.COORDINATOR,
                Role.PAYBACK_MANAGER)
ROLES_BY_SCOPE = {"service": (Role.ADMIN,), "provider": (Role.CASE_MANAGER,),
                  "employer": (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE), "mentoring": (Role.COORDINATOR,),
                  "payback": (Role.PAYBACK_MANAGER,)}


FILTER_NAMES = ("period_from", "period_to", "region")
EARLIEST = date(2000, 1, 1)


def roles_for(key: str) -> tuple[Role, ...]:
    return tuple(role for scope, keys in REPORTS_BY_SCOPE.items() if key in keys for role in ROLES_BY_SCOPE[scope])


def parse_filters() -> tuple[ReportFilterForm, Filters, list[str]]:
    form = ReportFilterForm(request.args)
    usual = default_filters()
    problems = []
    if request.args and not form.validate():
        problems = [error for errors in form.errors.values() for error in errors]
    start = form.period_from.data if not form.period_from.errors and form.period_from.data else usual.start
    end = form.period_to.data if not form.period_to.errors and form.period_to.data else usual.end
    if end < start:
        problems.append("The end of the period must be on or after its start")
        start, end = usual.start, usual.end
    if start < EARLIEST or end > usual.end + timedelta(days=366):
        problems.append(f"The period must fall between {EARLIEST.year} and a year from today")
        start, end = usual.start, usual.end
    form.period_from.data, form.period_to.data = start, end
    region = form.region.data if form.region.data and not form.region.errors else None
    return form, Filters(start, end, region), problems


def filter_args() -> dict[str, list[str]]:
    """The filters in the address, to carry over to the CSV links and the other reports."""
    return {name: request.args.getlist(name) for name in FILTER_NAMES if name in request.args}


@bp.get("/")
@role_required(*REPORT_ROLES)
def index():
    scope = scope_for(current_user)
    entries = [(key, CATALOGUE[key]) for key in scope.reports]
    return render_template("reports/index.html", entries=entries, scope=scope)


def _report_view(key: str):
    def show():
        scope = scope_for(current_user)
        form, filters, problems = parse_filters()
        filters = pinned(scope, filters)
        report = CATALOGUE[key].build(scope, filters)
        charts = {table.key: chart_svg(table) for table in report.tables}
        query = filter_args()
        csv_links = {table.key: url_for(f"reports.{key}_csv", table=table.key, **query) for table in report.tables}
        return render_template("reports/report.html", report=report, charts=charts, filters=filters, form=None,
                               filter_form=form, problems=problems, scope=scope, csv_links=csv_links,
                               entries=[(k, CATALOGUE[k]) for k in scope.reports], current=key, query=query)

    def csv():
        scope = scope_for(current_user)
        _, filters, _ = parse_filters()
        filters = pinned(scope, filters)
        report = CATALOGUE[key].build(scope, filters)
        table = report.table(request.args.get("table", report.tables[0].key))
        if table is None:
            abort(404)
        name = f"{key}-{table.key}-{filters.start.isoformat()}-to-{filters.end.isoformat()}.csv"
        return Response(table.to_csv(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    show.__name__, csv.__name__ = key, f"{key}_csv"
    allowed = roles_for(key)
    bp.add_url_rule(f"/{key}", endpoint=key, view_func=role_required(*allowed)(show), methods=["GET"])
    bp.add_url_rule(f"/{key}.csv", endpoint=f"{key}_csv", view_func=role_required(*allowed)(csv), methods=["GET"])


for _key in CATALOGUE:
    _report_view(_key)
