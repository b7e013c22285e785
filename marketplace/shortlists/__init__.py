"""Shortlists: the opportunities a case manager saves from a person's matches, to go through with them
and to print on one or two sides of A4 for someone who has no internet."""
