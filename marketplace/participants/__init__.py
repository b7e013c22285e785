"""Participants: a case manager's caseload, readiness to work, needs, restrictions and consent."""
