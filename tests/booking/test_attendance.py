"""Who came: after its time a visit is marked attended, no-show or late cancel with one click from
the inbox (a CSRF-protected POST, permissioned and audited); past open visits are listed for the
front desk; the source report shows patients seen and the no-show rate; the front desk sees each
contact's no-shows on the request. The clock is moved past the visits with time-machine."""

from datetime import timedelta

import pytest
import time_machine

from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import ModelLogEntry

from booking import audit, services
from booking.admin.reports import no_show_rate, source_chart
from booking.models import SlotSeat, VisitRequest
from booking.services import Patient
from tests.factories import StandardPageFactory

INDEX = "/admin/visit-requests/"
REPORT = "/admin/reports/visit-sources/"


def outcome_url(visit) -> str:
    return f"{INDEX}outcome/{visit.pk}/"


def book(page, slot, *, first_name="Maria", email="maria@example.com", phone="+19545550123", source=None):
    return services.visit_request_create(
        page=page,
        patient=Patient(first_name=first_name, last_name="Garcia", email=email, phone=phone),
        slot_start=slot.start,
        source_page=source,
    )


@pytest.fixture
def slots(booking_page):
    return booking_page.free_slots()


@pytest.fixture
def past(booking_page, slots):
    """Maria's visit, and the clock moved an hour past it (a later visit is still to come)."""
    visit = book(booking_page, slots[0])
    later = book(booking_page, slots[-1], first_name="Zed", email="zed@example.com", phone="+19545550999")
    mail.outbox.clear()
    with time_machine.travel(visit.slot_end + timedelta(hours=1), tick=False):
        yield visit, later


def test_the_inbox_offers_one_click_outcomes_only_for_visits_past_and_still_open(client, front_desk, past):
    visit, later = past
    client.force_login(front_desk)
    html = client.get(INDEX).content.decode()
    assert f'action="{outcome_url(visit)}"' in html
    assert f'action="{outcome_url(later)}"' not in html
    assert 'name="outcome" value="no_show"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_front_desk_marks_a_no_show_with_one_post_and_returns_to_the_list(client, front_desk, past):
    visit, _ = past
    client.force_login(front_desk)
    back = INDEX + "?needs_outcome=true"
    response = client.post(outcome_url(visit), {"outcome": "no_show", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert VisitRequest.objects.get(pk=visit.pk).status == VisitRequest.Status.NO_SHOW
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Maria Garcia: marked No-show."]
    assert mail.outbox == []


def test_every_mark_is_in_the_audit_log_without_the_patients_name(client, front_desk, past):
    visit, _ = past
    client.force_login(front_desk)
    client.post(outcome_url(visit), {"outcome": "attended"})
    entry = ModelLogEntry.objects.get(action=audit.LOG_OUTCOME)
    assert entry.object_id == str(visit.pk)
    assert entry.user == front_desk
    assert entry.data == {"from": "new", "to": "attended"}
    assert "Maria" not in entry.label


def test_marking_is_a_post_with_the_csrf_token(front_desk, past):
    visit, _ = past
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(front_desk)
    assert browser.post(outcome_url(visit), {"outcome": "attended"}).status_code == 403
    assert browser.get(outcome_url(visit), {"outcome": "attended"}).status_code == 405
    assert VisitRequest.objects.get(pk=visit.pk).status == VisitRequest.Status.NEW


def test_editors_cannot_mark_a_visit(client, editor, past):
    visit, _ = past
    client.force_login(editor)
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    assert client.post(outcome_url(visit), {"outcome": "no_show"}).status_code in (302, 403)
    assert VisitRequest.objects.get(pk=visit.pk).status == VisitRequest.Status.NEW


def test_a_visit_still_to_come_cannot_be_marked(client, front_desk, past):
    _, later = past
    client.force_login(front_desk)
    response = client.post(outcome_url(later), {"outcome": "no_show"}, follow=True)
    assert "outcome can be marked once its time has come" in response.content.decode()
    assert VisitRequest.objects.get(pk=later.pk).status == VisitRequest.Status.NEW
    assert not ModelLogEntry.objects.filter(action=audit.LOG_OUTCOME).exists()


@pytest.mark.parametrize("outcome", ["cancelled", "confirmed", "", "<script>"])
def test_only_the_three_outcomes_are_accepted(client, front_desk, past, outcome):
    visit, _ = past
    client.force_login(front_desk)
    assert client.post(outcome_url(visit), {"outcome": outcome}).status_code == 400
    assert VisitRequest.objects.get(pk=visit.pk).status == VisitRequest.Status.NEW


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/visit-requests/", "/admin/"]
)
def test_the_way_back_is_only_ever_the_inbox(client, front_desk, past, next_url):
    visit, _ = past
    client.force_login(front_desk)
    response = client.post(outcome_url(visit), {"outcome": "attended", "next": next_url})
    assert response["Location"] == INDEX


def test_a_late_cancel_frees_the_seat_and_counts_apart_from_a_cancellation(client, front_desk, past):
    visit, _ = past
    client.force_login(front_desk)
    client.post(outcome_url(visit), {"outcome": "late_cancel"})
    visit.refresh_from_db()
    assert visit.status == VisitRequest.Status.LATE_CANCEL
    assert visit.cancelled_at is not None
    assert not SlotSeat.objects.filter(visit_request=visit).exists()


def test_a_mark_can_be_corrected_by_marking_again(client, front_desk, past):
    visit, _ = past
    client.force_login(front_desk)
    client.post(outcome_url(visit), {"outcome": "no_show"})
    client.post(outcome_url(visit), {"outcome": "attended"})
    assert VisitRequest.objects.get(pk=visit.pk).status == VisitRequest.Status.ATTENDED


def test_needs_outcome_filter_lists_past_open_visits_only(client, front_desk, past):
    visit, _ = past
    client.force_login(front_desk)
    html = client.get(INDEX, {"needs_outcome": "true"}).content.decode()
    assert "Maria Garcia" in html
    assert "Zed Garcia" not in html
    services.visit_request_mark_outcome(visit_request=visit, outcome="attended")
    assert "Maria Garcia" not in client.get(INDEX, {"needs_outcome": "true"}).content.decode()


def test_the_dashboard_lists_past_visits_still_to_mark(client, front_desk, past):
    client.force_login(front_desk)
    html = client.get("/admin/").content.decode()
    assert "Who came?" in html
    assert "Maria Garcia" in html.split("Who came?")[1].split("<h3>")[0]
    assert f"{INDEX}?needs_outcome=true" in html


def test_the_front_desk_sees_a_contacts_no_shows_on_the_request(client, front_desk, booking_page, slots):
    # Two earlier no-shows: the same address in another case, and the same phone with another one.
    first = book(booking_page, slots[0], email="MARIA@example.com")
    second = book(booking_page, slots[1], email="maria.g@example.com")
    stranger = book(booking_page, slots[2], first_name="Ann", email="ann@example.com", phone="+19545550777")
    visit = book(booking_page, slots[3])
    with time_machine.travel(slots[2].end + timedelta(hours=1), tick=False):
        for earlier in [first, second, stranger]:
            services.visit_request_mark_outcome(visit_request=earlier, outcome="no_show")
        client.force_login(front_desk)
        detail = client.get(f"{INDEX}inspect/{visit.pk}/").content.decode()
        edit = client.get(f"{INDEX}edit/{visit.pk}/").content.decode()
        listing = client.get(INDEX).content.decode()
    assert "2 no-shows with this email address or phone number" in detail
    assert "2 no-shows with this email address or phone number" in edit
    assert "2 no-shows" in listing
    assert "1 no-show<" in listing  # Ann's own


def test_the_source_report_shows_patients_seen_and_the_no_show_rate(
    client, front_desk, booking_page, slots, home
):
    article = StandardPageFactory(parent=home, title="Hip pain in runners")
    visits = [
        book(booking_page, slots[i], email=f"p{i}@example.com", phone=f"+1954555010{i}", source=article)
        for i in range(4)
    ]
    with time_machine.travel(slots[3].end + timedelta(hours=1), tick=False):
        for visit, outcome in zip(visits, ["attended", "attended", "no_show"], strict=False):
            services.visit_request_mark_outcome(visit_request=visit, outcome=outcome)
        client.force_login(front_desk)
        html = client.get(REPORT).content.decode()
    # Four requests, two seen, one no-show among the three marked (the fourth is still open).
    assert "<td>Hip pain in runners</td><td>4</td><td>2</td><td>33%</td>" in html
    assert "<td>Hip pain in runners</td><td>4</td><td>2</td><td>1</td><td>33%</td>" in html


def test_no_show_rate_counts_only_marked_visits():
    assert no_show_rate(seen=3, no_shows=1) == 0.25
    assert no_show_rate(seen=1, no_shows=1, late_cancels=2) == 0.25
    assert no_show_rate(seen=0, no_shows=0) is None


def test_the_chart_carries_each_sources_patients_seen_and_rate_over_all_months():
    rows = [
        {"source": "Hip", "requests": 3, "seen": 2, "no_shows": 1, "late_cancels": 0},
        {"source": "Hip", "requests": 2, "seen": 1, "no_shows": 0, "late_cancels": 0},
        {"source": "Knee", "requests": 1, "seen": 0, "no_shows": 0, "late_cancels": 0},
    ]
    hip, knee = source_chart(rows).bars
    assert (hip.label, hip.count, hip.seen, hip.no_show_rate) == ("Hip", 5, 3, 0.25)
    assert knee.no_show_rate is None


# Query counts


def test_inbox_query_count_stays_flat_with_outcome_buttons_and_no_show_counts(
    client, front_desk, booking_page, slots, django_assert_max_num_queries
):
    def book_past(numbers):
        for i in numbers:
            book(booking_page, slots[i], email=f"p{i}@example.com", phone=f"+195455501{i:02}")

    book_past(range(3))
    travel = time_machine.travel(slots[20].end + timedelta(hours=1), tick=False)
    with travel:
        client.force_login(front_desk)
        client.get(INDEX)
        with CaptureQueriesContext(connection) as few:
            html = client.get(INDEX).content.decode()
        baseline = len(few.captured_queries)
        assert html.count('name="outcome" value="attended"') == 3
    book_past(range(3, 20))
    with travel:
        VisitRequest.objects.filter(
            pk__in=list(VisitRequest.objects.values_list("pk", flat=True)[:5])
        ).update(status=VisitRequest.Status.NO_SHOW)
        with django_assert_max_num_queries(baseline):
            html = client.get(INDEX).content.decode()
    assert html.count('name="outcome" value="attended"') == 15
    assert baseline <= 32


def test_source_report_query_count_does_not_grow_with_sources(
    client, front_desk, booking_page, slots, home, django_assert_max_num_queries
):
    client.force_login(front_desk)
    articles = [StandardPageFactory(parent=home, title=f"Article {i}") for i in range(8)]
    book(booking_page, slots[0], source=articles[0])
    client.get(REPORT)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT)
    baseline = len(few.captured_queries)
    for i, article in enumerate(articles[1:], start=1):
        book(booking_page, slots[i], email=f"p{i}@example.com", phone=f"+19545550{i:03}", source=article)
    with django_assert_max_num_queries(baseline):
        html = client.get(REPORT).content.decode()
    assert "Article 7" in html


def test_outcome_mark_before_its_time_raises_and_changes_nothing(booking_page, slots):
    visit = book(booking_page, slots[0])
    with pytest.raises(Exception, match="once its time has come"):
        services.visit_request_mark_outcome(visit_request=visit, outcome="attended", now=timezone.now())
    assert VisitRequest.objects.get().status == VisitRequest.Status.NEW
