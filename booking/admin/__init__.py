"""The staff side of booking in the Wagtail admin: the visit-request inbox, its columns, filters,
forms and exports, the dashboard panel and the reports."""
