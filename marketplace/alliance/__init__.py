"""The Corporate Alliance: employers' and social enterprises' profiles, membership levels, what each
level unlocks (levels.py), offers of staff time and materials with bookings, and the public directory."""
