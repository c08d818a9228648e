"""Every adapter, fed junk: it answers 400 with a reason or stores what is
valid; never a 500, never a read left half-written."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from platekeeper.accounts.models import Agency
from platekeeper.reads.models import Camera, IngestReceipt, PlateRead
from platekeeper.reads.tests.samples import sample

SAMPLES = {
    "openalpr": [
        "openalpr_alpr_group_v2_agent",
        "openalpr_alpr_group_v3",
        "openalpr_alpr_results_v2_agent",
        "openalpr_heartbeat",
    ],
    "platerecognizer": [
        "platerecognizer_webhook",
        "platerecognizer_stream_webhook_v2_CONSTRUCTED",
        "platerecognizer_snapshot_response",
    ],
    "frigate": ["frigate_mqtt_events", "frigate_tracked_object_update_lpr"],
    "codeproject": ["codeproject_ai_alpr_response"],
    "generic": [],
}
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            out += paths(v, (*prefix, i))
    return out


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(copy[path[0]], path[1:], new)  # type: ignore[index]
    return copy


@st.composite
def payloads(draw: st.DrawFn, fmt: str) -> str:
    """Raw body text: junk JSON, a sample with one field made junk, or a cut-off sample."""
    names = SAMPLES[fmt]
    kind = draw(
        st.sampled_from(
            ["junk", "mutated", "truncated", "huge"] if names else ["junk", "huge"]
        )
    )
    if kind == "junk":
        return json.dumps(draw(json_values))
    if kind == "huge":
        return json.dumps(
            {
                "results": [{"plate": "X" * draw(st.integers(30, 5000))}] * 3,
                "plate": "Y" * 100,
                "data_type": "alpr_group",
            }
        )
    base = sample(draw(st.sampled_from(names)), images=draw(st.booleans()))
    if kind == "truncated":
        text = json.dumps(base)
        return text[: draw(st.integers(0, len(text) - 1))]
    path = draw(st.sampled_from(paths(base)))
    return json.dumps(replaced(base, path, draw(json_values)))


class FuzzTestCase(TestCase):
    def setup_example(self) -> None:
        # Inside the example's own transaction (setUp would run outside any and
        # commit): only what ingest needs, an agency and its camera.
        super().setup_example()
        agency = Agency.objects.create(
            name="Fuzz PD", ori="CA0999999", type=Agency.Type.LAW_ENFORCEMENT
        )
        camera = Camera(agency=agency, name="Fuzz cam", approved=True)
        self.camera_key = camera.new_key()
        camera.save()

    def check(self, url: str, body: str) -> None:
        r = self.client.post(
            url,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )
        self.assertIn(r.status_code, (200, 400, 422), body[:300])
        answer = r.json()
        if r.status_code == 400:
            self.assertTrue(answer["error"])
        else:
            for item in answer["items"]:
                if item["status"] == "rejected":
                    self.assertTrue(item["errors"])
                else:
                    self.assertTrue(
                        PlateRead.objects.filter(pk=item["read_id"]).exists()
                    )
        with_receipt = IngestReceipt.objects.values("read_id")
        self.assertFalse(PlateRead.objects.exclude(id__in=with_receipt).exists())

    @FUZZ
    @given(payloads("openalpr"))
    def test_it_survives_junk_openalpr(self, body: str) -> None:
        self.check("/api/v1/ingest/openalpr", body)

    @FUZZ
    @given(payloads("platerecognizer"))
    def test_it_survives_junk_plate_recognizer(self, body: str) -> None:
        self.check("/api/v1/ingest/platerecognizer", body)

    @FUZZ
    @given(payloads("frigate"))
    def test_it_survives_junk_frigate(self, body: str) -> None:
        self.check("/api/v1/ingest/frigate", body)

    @FUZZ
    @given(payloads("codeproject"))
    def test_it_survives_junk_codeproject(self, body: str) -> None:
        self.check("/api/v1/ingest/codeproject", body)

    @FUZZ
    @given(payloads("generic"))
    def test_it_survives_junk_generic(self, body: str) -> None:
        self.check("/api/v1/reads", body)
