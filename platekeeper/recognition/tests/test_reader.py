"""The plate reader's accuracy, on plates drawn here and on real photos."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import SimpleTestCase

from platekeeper.recognition import evaluate, pipeline, synthetic, us
from platekeeper.recognition.reader import Char
from platekeeper.test import SHARED

CROPS = SHARED / "benchdata" / "us-plate-crops"


def chars(text: str, low: str = "") -> list[Char]:
    """Characters as the reader gives them; those at positions in `low` unsure."""
    return [Char(c, 0.3 if str(i) in low else 0.99) for i, c in enumerate(text)]


class PostProcessingTestCase(SimpleTestCase):
    def test_it_reads_o_as_zero_on_vanity_plates_and_as_o_in_a_serial(self) -> None:
        self.assertEqual(us.settle_o_and_zero("COUGAR"), "C0UGAR")
        self.assertEqual(us.settle_o_and_zero("NOX218"), "NOX218")  # LLLDDD
        self.assertEqual(us.settle_o_and_zero("444NOQ"), "444NOQ")  # DDDLLL
        self.assertEqual(us.settle_o_and_zero("8000O2"), "800002")  # all digits

    def test_it_drops_an_unsure_edge_character_that_breaks_the_format(self) -> None:
        self.assertEqual(us.reading(chars("S4280", low="0")).text, "4280")
        self.assertEqual(us.reading(chars("7364H", low="4")).text, "7364")
        # Sure, or needed by the format: kept.
        self.assertEqual(us.reading(chars("S4280")).text, "S4280")
        self.assertEqual(us.reading(chars("576PBQ", low="5")).text, "576PBQ")

    def test_it_offers_runner_up_characters_as_candidates(self) -> None:
        read = [*chars("7ABC12"), Char("3", 0.7, (("8", 0.25),))]
        result = us.reading(read)
        self.assertEqual(result.text, "7ABC123")
        self.assertIn("7ABC128", [p for p, _ in result.candidates])
        self.assertEqual(result.char_confidences[-1], 0.7)

    def test_it_guesses_the_state_from_a_name_or_slogan(self) -> None:
        self.assertEqual(us.guess_state(["CALIF0RNIA"])[0], "CA")
        self.assertEqual(us.guess_state(["LANDOFLINCOLN"])[0], "IL")
        self.assertEqual(us.guess_state(["7ABC123"])[0], "")
        self.assertTrue(us.is_state_text("ILLIN0IS"))


@pytest.mark.no_database
class SyntheticTestCase(SimpleTestCase):
    def test_it_reads_95_percent_of_drawn_scenes_exactly(self) -> None:
        rng = random.Random(20261201)
        total = exact = states = 0
        misses = []
        for n in range(80):
            # Half plain, half street-like; every style, size, angle, blur, light.
            image, text, state = synthetic.scene(rng, street=n % 2 == 0)
            plates = pipeline.recognize(image)
            read = plates[0].text if plates else ""
            total += 1
            exact += read == text
            states += bool(plates) and plates[0].state == state
            if read != text:
                misses.append((text, read))
        self.assertGreaterEqual(exact / total, 0.95, misses)
        # The state is read from the name or slogan on most plates.
        self.assertGreaterEqual(states / total, 0.5)

    def test_it_gives_box_corners_crop_and_confidences(self) -> None:
        image, text, _ = synthetic.scene(random.Random(3), street=False)
        plate = pipeline.recognize(image)[0]
        x0, y0, x1, y1 = plate.box
        self.assertTrue(0 <= x0 < x1 <= 1280 and 0 <= y0 < y1 <= 720)
        self.assertEqual(len(plate.corners), 4)
        self.assertEqual(len(plate.char_confidences), len(plate.text))
        self.assertTrue(plate.crop_jpeg().startswith(b"\xff\xd8"))
        self.assertEqual(plate.as_json()["plate"], text)


@pytest.mark.no_database
@pytest.mark.skipif(not CROPS.exists(), reason="../shared/benchdata is not here")
class RealPlatesTestCase(SimpleTestCase):
    def test_it_reads_85_percent_of_751_real_plates_exactly(self) -> None:
        score = evaluate.score(CROPS)
        self.assertEqual(score.total, 751)
        self.assertGreaterEqual(score.exact_share, 0.85, score.misses[:40])
        self.assertGreaterEqual(score.tolerant_share, score.exact_share)


@pytest.mark.no_database
class BenchTestCase(SimpleTestCase):
    def test_it_measures_speed_and_accuracy_on_a_labelled_scene_folder(self) -> None:
        from unittest import mock

        import cv2

        from platekeeper.service import bench

        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, True)
        rng = random.Random(5)
        for n in range(3):  # the openalpr/benchmarks layout: NAME.jpg and NAME.txt
            picture, text, _ = synthetic.scene(rng, street=False, plate_width=200)
            cv2.imwrite(str(folder / f"car{n}.jpg"), picture)
            (folder / f"car{n}.txt").write_text(f"car{n}.jpg 0 0 10 10 {text}\n")
        with mock.patch("platekeeper.service.bench.recognition.SCENES", 3):
            figures = bench.recognition_group({"images": str(folder)})
        self.assertEqual(figures["recognize_labelled_images"], 3)
        for key in (
            "recognize_images_per_s",
            "recognize_baseline_detector_only_images_per_s",
            "recognize_labelled_images_per_s",
        ):
            self.assertGreater(figures[key], 0, key)
        self.assertTrue(0 <= figures["recognize_exact_accuracy"] <= 1)
        self.assertGreaterEqual(
            figures["recognize_tolerant_accuracy"], figures["recognize_exact_accuracy"]
        )
