"""The visit requests panel on the Wagtail dashboard."""

from wagtail.admin.ui.components import Component

from .. import selectors
from ..waitlist.admin import waiting_count


class DashboardPanel(Component):
    """Today's and upcoming visits, new requests, past visits still to be marked (who came?),
    and emails that failed for good."""

    name = "visit_requests"
    order = 50
    template_name = "booking/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        agenda = selectors.visit_agenda()
        return {
            "today": agenda.today,
            "upcoming": agenda.upcoming,
            "new_count": selectors.new_visit_request_count(),
            "to_mark": selectors.visits_needing_outcome()[:10],
            "failed": selectors.visit_requests_with_failed_emails()[:20],
            "spike": selectors.request_spike(),
            "waiting_count": waiting_count(),
        }
