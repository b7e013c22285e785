"""Outcomes and reports (issue 9): read-only figures, each as a chart with its table and a CSV."""
