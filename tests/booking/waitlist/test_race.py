"""24 patients claim one freed time at the same instant (everyone at once, first to claim wins):
exactly one visit, everyone else a clear "just taken" page, no server error. Real gunicorn
workers on a throwaway database (the server processes cannot see pytest's test transaction).
`pytest -s` prints the timings recorded in bench/RESULTS.md."""

import re
import sys
import threading
import time

import pytest
import requests

from tests.booking.live_server import EACH_DATABASE, gunicorn, prepared_database, shell

CLAIMANTS = 24

pytestmark = pytest.mark.xdist_group("waitlist-race")

SETUP = """
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Site
from booking.models import BookingSettings, DiscoveryVisitPage, VisitRequest
from booking.waitlist.models import WaitlistEntry, WaitlistOffer
from booking.waitlist.tokens import CLAIM_SALT, make_token
page = DiscoveryVisitPage.objects.filter(locale__language_code="en").first()
settings_ = BookingSettings.for_site(Site.objects.get(is_default_site=True))
settings_.waitlist_policy = "everyone_at_once"
settings_.change_notice_hours = 0
settings_.save()
slot = page.free_slots()[-1 - {round}].start
now = timezone.now()
tokens = []
for n in range({claimants}):
    entry = WaitlistEntry.objects.create(
        page=page, first_name=f"R{{n}}", last_name="Race", email=f"race{round}-{{n}}@example.com",
        phone=f"+1954{round}56{{n:04d}}", weekdays="0,1,2,3,4,5,6", parts="morning,afternoon,evening",
        until=timezone.localdate() + timedelta(days=90), consented_at=now,
    )
    offer = WaitlistOffer.objects.create(entry=entry, slot_start=slot)
    tokens.append(make_token(offer.public_id, salt=CLAIM_SALT))
print("SLOT", slot.isoformat())
print("TOKENS", " ".join(tokens))
"""

COUNT = """
from datetime import datetime
from booking.models import VisitRequest
from booking.waitlist.models import WaitlistOffer
slot = datetime.fromisoformat("{slot}")
print("COUNTS", VisitRequest.objects.filter(slot_start=slot).count(),
      WaitlistOffer.objects.filter(slot_start=slot, status="claimed").count(),
      WaitlistOffer.objects.filter(slot_start=slot, status="taken").count())
"""


@pytest.fixture(scope="module", params=EACH_DATABASE)
def database_url(request, tmp_path_factory):
    with prepared_database(request.param, "waitlist_race", tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url):
    with gunicorn(database_url, workers=4) as url:
        yield url


def line(output: str, label: str) -> list[str]:
    return next(row for row in output.splitlines() if row.startswith(label)).split()[1:]


class Claimant:
    def __init__(self, base_url: str, token: str):
        self.url = f"{base_url}/book/waitlist/offer/{token}/"
        self.session = requests.Session()
        self.csrf = ""

    def open(self) -> None:
        response = self.session.get(self.url, timeout=60)
        response.raise_for_status()
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    def claim(self) -> requests.Response:
        return self.session.post(
            self.url, data={"csrfmiddlewaretoken": self.csrf}, allow_redirects=False, timeout=120
        )


@pytest.mark.parametrize("round_", [0, 1, 2])
def test_24_claims_of_one_offer_at_once_book_exactly_one_visit(server, database_url, round_):
    out = shell(database_url, SETUP.format(round=round_, claimants=CLAIMANTS))
    [slot] = line(out, "SLOT")
    tokens = line(out, "TOKENS")
    claimants = [Claimant(server, token) for token in tokens]
    for claimant in claimants:
        claimant.open()
    barrier = threading.Barrier(len(claimants))
    results: list = [None] * len(claimants)
    timings: list = [0.0] * len(claimants)

    def run(i):
        barrier.wait()
        started = time.monotonic()
        results[i] = claimants[i].claim()
        timings[i] = time.monotonic() - started

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(claimants))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    seconds = time.monotonic() - started
    statuses = [r.status_code for r in results]
    won = [r for r in results if r.status_code == 303]
    taken = [r for r in results if r.status_code == 409 and "Sorry, this time was just taken" in r.text]
    sys.stderr.write(
        f"\n{database_url.split(':')[0]} round {round_}: {CLAIMANTS} claims at once -> {len(won)} booked, "
        f"{len(taken)} 'just taken', {sum(s >= 500 for s in statuses)} 5xx; all answered in {seconds:.2f}s, "
        f"slowest {max(timings):.2f}s, median {sorted(timings)[len(timings) // 2]:.2f}s\n"
    )
    assert [s for s in statuses if s >= 500] == []
    assert len(won) == 1
    assert len(taken) == CLAIMANTS - 1
    visits, claimed, lost = (int(n) for n in line(shell(database_url, COUNT.format(slot=slot)), "COUNTS"))
    assert (visits, claimed, lost) == (1, 1, CLAIMANTS - 1)
