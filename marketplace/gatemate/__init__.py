"""Gatemate: mentors from voluntary organisations meet people at the prison gate on release day."""
