"""Distances and shapes on the map, for areas and canvasses (framework-free)."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_M = 6_371_008.8
Point = tuple[float, float]  # (latitude, longitude)


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float


def box_around(center: Point, radius_m: float) -> Box:
    """A box that holds the circle (for an index-friendly first filter)."""
    lat, lon = center
    dlat = math.degrees(radius_m / EARTH_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return Box(lat - dlat, lon - dlon, lat + dlat, lon + dlon)


def box_of(polygon: list[Point]) -> Box:
    lats = [p[0] for p in polygon]
    lons = [p[1] for p in polygon]
    return Box(min(lats), min(lons), max(lats), max(lons))


def inside(point: Point, polygon: list[Point]) -> bool:
    """Ray casting; fine for the small polygons drawn around a neighbourhood."""
    lat, lon = point
    found = False
    j = len(polygon) - 1
    for i, (lat_i, lon_i) in enumerate(polygon):
        lat_j, lon_j = polygon[j]
        if (lat_i > lat) != (lat_j > lat):
            cross = (lon_j - lon_i) * (lat - lat_i) / (lat_j - lat_i) + lon_i
            if lon < cross:
                found = not found
        j = i
    return found
