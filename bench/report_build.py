"""How long each report takes to build on the demo world (18 months of history), with the secondary
suppression's audit (scipy linear programmes) and without it, for the whole service and one provider.

    .venv/bin/python -m bench.report_build            # prints one line per report and scope
    .venv/bin/python -m bench.report_build /tmp/bench-reports-xyz   # again on the world seeded before
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.common import bench_app, summary_ms

REPEATS = 3


def main() -> None:
    from marketplace import demo
    from marketplace.core import clock
    from marketplace.reports import tables
    from marketplace.reports.catalogue import CATALOGUE
    from marketplace.reports.scope import PROVIDER, SERVICE, Scope, default_filters

    reuse = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    app, workdir, _ = bench_app("reports", reuse=reuse, fresh=reuse is None)
    with app.app_context():
        from marketplace.extensions import db

        if reuse is None:
            demo.seed(2026)
            db.session.commit()
        clock.fix(None)
        from marketplace.accounts.models import Organisation

        provider = db.session.query(Organisation).filter_by(kind="provider").first()
        scopes = [("service", Scope(SERVICE)), ("provider", Scope(PROVIDER, provider.id, provider.name))]
        filters = default_filters()
        original = tables.Report.protect
        for protected in (True, False):
            tables.Report.protect = original if protected else (lambda self: None)
            for scope_name, scope in scopes:
                for key in (k for k in CATALOGUE if k in scope.reports):
                    samples, withheld = [], 0
                    for _ in range(REPEATS):
                        start = time.perf_counter()
                        report = CATALOGUE[key].build(scope, filters)
                        samples.append(time.perf_counter() - start)
                    withheld = sum(len(row.withheld) for table in report.tables for row in table.rows)
                    print(f"{key:11} {scope_name:8} {'audited' if protected else 'no audit':8} "
                          f"{summary_ms(samples)}  withheld by secondary suppression: {withheld}", flush=True)
        tables.Report.protect = original
    print(f"(work directory {workdir})")


if __name__ == "__main__":
    main()
