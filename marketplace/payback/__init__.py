"""Community Payback: projects the public nominates and votes for, hours that build skills, a road to work."""
