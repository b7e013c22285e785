"""A valid opportunity form post, changed per test."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock


def date_parts(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def form_data(**changes) -> dict:
    """A vacancy for a warehouse operative in Leeds, paying £13 an hour, closing in two weeks."""
    data = {
        "kind": "vacancy", "title": "Warehouse operative", "description": "Picking and packing for supermarkets.",
        "sector": "Logistics and warehousing", "occupation_group": "9", "town": "Leeds", "postcode": "ls1 4dy",
        "region": "Yorkshire and the Humber", "hours_per_week": "37.5", "work_pattern": "shifts",
        "contract_type": "permanent", "pay_from": "13.00", "pay_to": "13.50", "pay_period": "hour",
        "closing_date": date_parts(clock.today() + timedelta(days=14)), "places": "3",
        "essential_criteria": "Can lift 15kg", "documents": ["cv", "disclosure_letter"],
        "offence_exclusions": ["case_by_case", "arson"], "how_to_apply": "Referral, then a chat on site",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
