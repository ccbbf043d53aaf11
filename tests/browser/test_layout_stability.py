"""On a phone, pages keep still while they load (cumulative layout shift 0) and log no errors.

The browser reports every layout shift to a PerformanceObserver (buffered, so shifts before the
observer was attached count too); this is what Lighthouse's CLS adds up. Like Lighthouse's mobile
run, the page loads over a slow connection on a slow CPU: on a fast one the browser often runs the
scripts before its first paint, and shifts a phone user sees never show.
"""

import pytest

PAGES = ["/", "/blog/", "/blog/hip-pain-in-runners/", "/book/"]

LAYOUT_SHIFT = """
() => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
    // Let late scripts and images settle, then report.
    setTimeout(() => resolve(total), 1000);
})
"""


# Lighthouse's mobile settings: 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 7.5e5 / 8}


@pytest.fixture
def slow_phone_page(phone_page):
    cdp = phone_page.context.new_cdp_session(phone_page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return phone_page


@pytest.mark.parametrize("path", PAGES)
def test_page_does_not_shift_its_layout_while_loading_on_a_phone(slow_phone_page, site_url, path):
    slow_phone_page.goto(site_url + path, wait_until="load")
    assert slow_phone_page.evaluate(LAYOUT_SHIFT) == 0


@pytest.mark.parametrize("path", PAGES)
def test_page_logs_no_console_errors_on_a_phone(phone_page, site_url, path):
    errors = []
    phone_page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    phone_page.on("pageerror", lambda error: errors.append(str(error)))
    phone_page.goto(site_url + path, wait_until="networkidle")
    assert errors == []
