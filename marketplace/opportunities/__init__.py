"""Opportunities: work placements, guaranteed interviews, vacancies, training courses and volunteering,
with their eligibility, places and status; the employer's management pages, the case managers' browse
and print pages, and the bulk import."""
