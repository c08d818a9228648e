from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from platekeeper.lib import geo

HAWTHORNE = (33.9165, -118.3527)


def test_it_measures_a_known_distance() -> None:
    # Hawthorne Blvd & El Segundo to Crenshaw & 120th: about 2.5 km.
    assert 2450 < geo.distance_m(HAWTHORNE, (33.9237, -118.3268)) < 2600


@given(
    st.floats(min_value=-60, max_value=60),
    st.floats(min_value=-179, max_value=179),
    st.floats(min_value=10, max_value=5000),
    st.floats(min_value=0, max_value=359),
    st.floats(min_value=0, max_value=0.999),
)
def test_it_boxes_every_point_of_the_circle(
    lat: float, lon: float, radius: float, bearing: float, share: float
) -> None:
    import math

    d = radius * share / geo.EARTH_M
    lat2 = math.degrees(
        math.asin(
            math.sin(math.radians(lat)) * math.cos(d)
            + math.cos(math.radians(lat))
            * math.sin(d)
            * math.cos(math.radians(bearing))
        )
    )
    lon2 = lon + math.degrees(
        math.atan2(
            math.sin(math.radians(bearing)) * math.sin(d) * math.cos(math.radians(lat)),
            math.cos(d) - math.sin(math.radians(lat)) * math.sin(math.radians(lat2)),
        )
    )
    box = geo.box_around((lat, lon), radius)
    assert box.south <= lat2 <= box.north
    assert box.west <= lon2 <= box.east


def test_it_tells_inside_from_outside_a_polygon() -> None:
    square = [(33.91, -118.36), (33.92, -118.36), (33.92, -118.35), (33.91, -118.35)]
    assert geo.inside((33.915, -118.355), square)
    assert not geo.inside((33.925, -118.355), square)
    assert geo.box_of(square) == geo.Box(33.91, -118.36, 33.92, -118.35)
