"""Settings: the camera preview shows a live sharpness figure for the code in view."""

from __future__ import annotations

import cv2
import numpy as np

from scanners.synthetic import render_label
from scanners.webcam_corpus import RENDER_MODULE, Shot, photograph
from ui.views.settings_page import SettingsPage

from .ui_support import IGNORE_OFFSCREEN, show_page

pytestmark = IGNORE_OFFSCREEN


def test_preview_shows_a_sharper_figure_for_a_sharper_label(qtbot, ctx, tmp_path):
    page = show_page(qtbot, ctx, SettingsPage)
    label = render_label("code128", "IT-000321", RENDER_MODULE)
    figures = []
    for name, distance in (("near.png", 80.0), ("right.png", 240.0)):
        frame, _, _ = photograph(label, RENDER_MODULE, Shot(distance_mm=(distance, distance),
                                                            angle=(0, 0)),
                                 np.random.default_rng(1))
        path = tmp_path / name
        cv2.imwrite(str(path), frame)
        page.start_preview(str(path))
        qtbot.waitUntil(lambda: page.sharpness.text().startswith("Sharpness"), timeout=10000)
        figures.append(float(page.sharpness.text().split()[1].replace(",", "")))
        page.stop_preview()
        assert page.sharpness.text() == ""
    near, right = figures
    assert right > 1.5 * near, figures
