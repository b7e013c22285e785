"""Careers information for the Virtual Campus: pages curated by service administrators."""
