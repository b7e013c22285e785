"""Referrals: a closed loop from case manager to employer to a job that lasts."""
