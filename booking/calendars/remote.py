"""The only code that talks CalDAV (through the `caldav` library): find the calendar, read what
changed since the last pass (sync-token, or everything when the server cannot say), and write,
overwrite or delete one event with ETag preconditions, so nobody's edit is overwritten unseen."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import caldav
from caldav.elements import dav
from caldav.lib import error as caldav_error

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 15
MULTIGET_BATCH = 100
ICS_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}


class CalendarError(Exception):
    """The server could not be reached, refused us, or answered something we cannot use. The
    message is for staff: it never holds the password."""


@dataclass
class Changes:
    """What a pass read: the objects that changed (href -> (etag, ics)), the hrefs removed, and
    whether this was the whole calendar (then anything not listed is gone)."""

    sync_token: str
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    complete: bool = False


@dataclass
class Written:
    """The result of a write: the status the server gave and the new ETag, if it said."""

    status: int
    etag: str = ""


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "http" and not settings.CALENDAR_ALLOW_HTTP:
        raise CalendarError(_("Use the calendar's https:// address: a password never travels unencrypted."))
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.username or parts.password:
        raise CalendarError(
            _("Enter the calendar's web address (https://...), without a name or password in it.")
        )


class RemoteCalendar:
    """One CalDAV calendar, signed in. Use as a context manager so the connection is closed."""

    def __init__(self, url: str, *, username: str, password: str):
        check_url(url)
        self._password = password
        try:
            self.client = caldav.DAVClient(
                url=url,
                username=username,
                password=password,
                timeout=TIMEOUT_SECONDS,
                # The address given is the server to use: no DNS discovery of another.
                enable_rfc6764=False,
            )
        except Exception as failure:  # noqa: BLE001 - any failure to set up is "cannot connect"
            raise self._error(failure) from None
        self.calendar = None
        self.url = url

    def __enter__(self) -> RemoteCalendar:
        return self

    def __exit__(self, *exc_info) -> None:
        self.client.close()

    def open(self) -> str:
        """Find the calendar: the address itself when it is one, else the first calendar of the
        account it belongs to. Returns the calendar's address."""
        try:
            candidate = self.client.calendar(url=self.url)
            if "VEVENT" in candidate.get_supported_components():
                self.calendar = candidate
            else:
                raise CalendarError(_("That calendar does not hold events."))
        except (caldav_error.NotFoundError, caldav_error.PropfindError, caldav_error.ReportError):
            self.calendar = self._first_event_calendar()
        except CalendarError:
            raise
        except Exception as failure:  # noqa: BLE001
            raise self._error(failure) from None
        return str(self.calendar.url)

    def _first_event_calendar(self):
        try:
            calendars = self.client.principal().calendars()
        except Exception as failure:  # noqa: BLE001
            raise self._error(failure) from None
        for calendar in calendars:
            try:
                if "VEVENT" in calendar.get_supported_components():
                    return calendar
            except Exception:  # noqa: BLE001, S112 - a calendar we cannot read is not the one
                continue
        raise CalendarError(_("No calendar with events was found at that address."))

    def changes(self, sync_token: str) -> Changes:
        """What changed since `sync_token` ('' for everything), and the token for next time. The
        changed objects' contents come in batches (calendar-multiget), not one GET each."""
        # A "fake-" token is caldav's stand-in (a hash of every ETag) after a full listing: ask
        # afresh, so a server that does keep sync-tokens gives a real one again.
        query_token = None if sync_token.startswith("fake-") else sync_token or None
        try:
            found = self.calendar.get_objects_by_sync_token(sync_token=query_token, load_objects=False)
            token = str(found.sync_token or "")
            if token.startswith("fake-") and token == sync_token:
                return Changes(sync_token=token)  # the same ETags as last time: nothing changed
            removed = {str(url) for url in found.deleted_urls}
            listed = {}
            for obj in found.objects:
                href = str(obj.url.canonical())
                if href not in removed:
                    listed[href] = (obj, str(obj.props.get(dav.GetEtag.tag, "") or ""))
            contents = {href: obj.data for href, (obj, _etag) in listed.items() if obj.data}
            missing = [obj.url for href, (obj, _etag) in listed.items() if href not in contents]
            for start in range(0, len(missing), MULTIGET_BATCH):
                for loaded in self.calendar.multiget(missing[start : start + MULTIGET_BATCH]):
                    if loaded.data:
                        contents[str(loaded.url.canonical())] = loaded.data
        except Exception as failure:  # noqa: BLE001
            raise self._error(failure) from None
        # caldav answers a server without sync-collection (or an expired token) with every object
        # and a "fake-" token: then the listing is the whole calendar.
        complete = not query_token or token.startswith("fake-")
        result = Changes(sync_token=token, complete=complete, removed=removed)
        for href, (_obj, etag) in listed.items():
            if href in contents:
                result.changed[href] = (etag, contents[href])
            else:
                result.removed.add(href)  # gone between the listing and the fetch
        return result

    def href_for(self, uid: str) -> str:
        return str(self.calendar.url.join(uid.replace("@", "-") + ".ics").canonical())

    def get(self, href: str) -> tuple[int, str, str]:
        """(status, etag, ics) of one object; 404 when it is gone."""
        response = self._request("GET", href)
        if response.status == 404:
            return 404, "", ""
        self._require(response, {200})
        return response.status, _etag(response), _text(response)

    def put(self, href: str, body: bytes, *, etag: str | None) -> Written:
        """Create (etag None: only if nothing is there) or overwrite (only the version we saw).
        A 412 means someone else got there first; the caller decides."""
        headers = dict(ICS_HEADERS)
        if etag is None:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        response = self._request("PUT", href, body.decode(), headers)
        if response.status in {404, 412}:
            return Written(response.status)
        self._require(response, {200, 201, 204})
        return Written(response.status, _etag(response))

    def delete(self, href: str, *, etag: str) -> Written:
        response = self._request("DELETE", href, headers={"If-Match": etag} if etag else None)
        if response.status in {404, 410, 412}:
            return Written(response.status)
        self._require(response, {200, 204})
        return Written(response.status)

    def _request(self, method: str, href: str, body: str = "", headers=None):
        try:
            return self.client.request(href, method, body, headers)
        except Exception as failure:  # noqa: BLE001
            raise self._error(failure) from None

    def _require(self, response, expected: set[int]) -> None:
        if response.status not in expected:
            raise CalendarError(_("The calendar server answered %(status)s.") % {"status": response.status})

    def _error(self, failure: Exception) -> CalendarError:
        if isinstance(failure, caldav_error.AuthorizationError):
            return CalendarError(_("The calendar server refused the username or app password."))
        if isinstance(failure, CalendarError):
            return failure
        text = f"{type(failure).__name__}: {failure}"
        if self._password:
            text = text.replace(self._password, "***")
        return CalendarError(_("Could not reach the calendar: %(reason)s") % {"reason": text[:200]})


def _etag(response) -> str:
    return str(response.headers.get("ETag", "") or "")


def _text(response) -> str:
    return response.raw or ""
