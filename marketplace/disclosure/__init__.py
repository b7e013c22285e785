"""Disclosure: when convictions and cautions become spent and what each kind of DBS check shows."""
