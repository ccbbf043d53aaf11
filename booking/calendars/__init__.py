"""The therapist's own calendar: busy times read from a CalDAV calendar block booking, visits are
written into that calendar, and each staff member has a private feed for any calendar app.

`busy.py` and `ics.py` are pure; `remote.py` is the only code that talks CalDAV; `sync.py` runs a
pass; `services.py` holds the writes staff make (connect, feed, alerts); `selectors.py` the reads."""
