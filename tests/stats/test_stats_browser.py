"""The Statistics page as staff see it: headless Chromium signs in to the console, follows the
link from the alerts page, and finds the scripted numbers, four charts that really load, a
working PNG download and no script error, in kk, ru and en."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from kiosk.config.schema import StatsSection
from kiosk.staff.mqtt import MqttNotifier
from kiosk.stats.publish import StatsPublisher
from tests.staff import browser
from tests.staff.broker import Broker
from tests.staff.helpers import wait_for
from tests.staff.test_console_browser import sign_in
from tests.stats.helpers import NAMES, Library, stats_kiosk
from tests.stats.test_console_stats import EXPECTED, start_console, stop_console, totals
from tests.stats.test_numbers import DAY1

pytestmark = pytest.mark.skipif(
    not browser.available() and not os.environ.get("CI"),
    reason="Debian chromium + chromium-driver not installed (make deps installs them)",
)

HEADINGS = {"kk": "Статистика — 2026", "ru": "Статистика — 2026", "en": "Statistics — 2026"}
LOANS_ROW = {"kk": "Кітап берілімі", "ru": "Книговыдача", "en": "Loans"}


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path)
    yield lib
    lib.close()


@pytest.fixture
def page(tmp_path: Path):
    driver = browser.start(tmp_path / "chromium-profile")
    yield driver
    driver.quit()


def _row(page, label: str) -> list[str]:
    for tr in page.find_elements(By.CSS_SELECTOR, "tr"):
        cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r}")


def test_statistics_page_in_a_real_browser(library: Library, broker: Broker, tmp_path: Path, page) -> None:
    plan = StatsSection(plan_readers=4, plan_visits=4, plan_loans=6, plan_loans_kazakh=4)
    hub, server = start_console(broker, plan)
    k = stats_kiosk(library, tmp_path / "stats.sqlite3")
    notifier = MqttNotifier(broker.url, "kiosk-1", "КИОСК1", reconnect_min_s=0.2, reconnect_max_s=1)
    publisher = StatsPublisher(k.store, notifier, "kiosk-1", k.harness.clock.today)
    notifier.on_connected.append(publisher.publish_recent)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    shots = os.environ.get("KIOSK_STATS_SHOTS")
    try:
        k.run(DAY1)
        notifier.start()
        wait_for(lambda: totals(hub) == EXPECTED, 15)
        sign_in(page, base + "/")
        link = page.find_element(By.ID, "statistics")
        assert link.text.strip(), "the link to the Statistics page has no words"
        link.click()
        wait_for(lambda: "/stats" in page.current_url)
        for lang in ("kk", "ru", "en"):
            page.get(f"{base}/stats?year=2026&lang={lang}")
            assert HEADINGS[lang] in page.find_element(By.TAG_NAME, "body").text
            assert _row(page, LOANS_ROW[lang])[:2] == ["6", "3"]
            charts = page.find_elements(By.CSS_SELECTOR, "img[id^=chart-]")
            assert len(charts) == 4
            for img in charts:
                wait_for(lambda img=img: page.execute_script(
                    "return arguments[0].complete && arguments[0].naturalWidth", img) > 300)
                assert img.get_attribute("alt").strip()
            downloads = page.find_elements(By.CSS_SELECTOR, "a[id^=download-]")
            assert len(downloads) == 4 and all(a.text.strip() for a in downloads)
            text = page.find_element(By.TAG_NAME, "body").text
            assert not any(name in text for name in NAMES)
            if lang != "en":
                assert "Statistics" not in text and "Loans" not in text
            assert browser.page_errors(page) == []
            if shots:
                page.set_window_size(1280, page.execute_script("return document.body.scrollHeight") + 40)
                page.save_screenshot(str(Path(shots) / f"stats_{lang}.png"))
    finally:
        notifier.stop()
        k.close()
        stop_console(hub, server)
