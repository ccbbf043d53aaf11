"""The inbox's XLSX export, built by the task worker and downloaded when ready.

A workbook of 50,000 requests takes longer to write than gunicorn and nginx let a web request
run, and unlike CSV it cannot be sent while it is written (a ZIP file's directory comes last). So
the inbox's "Download XLSX" records a `SpreadsheetExport` and queues its build; the staff member
gets a page that says it is being prepared and turns into a download link. The file lives in the
database (private, and shared by every server and worker), only its owner may download it while
they may export, and it is deleted `EXPORT_LIFETIME` after it was asked for."""

import logging
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from io import BytesIO

from django_tasks import task

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, QueryDict
from django.template.response import TemplateResponse
from django.urls import resolve, reverse
from django.utils import timezone, translation

from ..formatting import clinic_wall_time, visit_time
from ..models import SpreadsheetExport
from ..permissions import can_export_visit_requests
from ..tasks import BACKEND

logger = logging.getLogger(__name__)

# How long a finished export can be downloaded before it is deleted.
EXPORT_LIFETIME = timedelta(hours=24)
# A build still unfinished after this long was lost (its worker stopped): the page says so.
BUILD_TIMEOUT = timedelta(minutes=30)
# Rows read from the database at a time: memory stays flat however many there are.
EXPORT_CHUNK_SIZE = 2_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_export_start(*, user, query: QueryDict) -> SpreadsheetExport:
    """Record an XLSX export of the inbox as `query` (its filters and search) lists it, and queue
    its build. Exports past their lifetime go first."""
    spreadsheet_exports_delete_expired()
    export = SpreadsheetExport.objects.create(
        user=user,
        query={key: query.getlist(key) for key in query if key != "export"},
        language=translation.get_language() or "",
    )
    try:
        build_spreadsheet_export.enqueue(export.pk)
    except Exception:  # noqa: BLE001 - the page says the export failed; nothing else is lost
        logger.exception("Could not queue spreadsheet export %s", export.pk)
        _finish(export, status=SpreadsheetExport.Status.FAILED)
    return export


def spreadsheet_exports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the exports (and their files) asked for more than `EXPORT_LIFETIME` ago."""
    cutoff = (now or timezone.now()) - EXPORT_LIFETIME
    deleted, _ = SpreadsheetExport.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@task(backend=BACKEND)
def build_spreadsheet_export(export_id: int) -> str:
    """Write the export's workbook (openpyxl's write-only mode, through a temporary file, so the
    worker's memory stays flat) and store it for download."""
    export = (
        SpreadsheetExport.objects.select_related("user")
        .filter(pk=export_id, status=SpreadsheetExport.Status.PREPARING)
        .first()
    )
    if export is None:
        return "skipped"
    # Whoever asked must still be allowed to export when the file is written.
    if not (export.user.is_active and can_export_visit_requests(export.user)):
        _finish(export, status=SpreadsheetExport.Status.FAILED)
        return SpreadsheetExport.Status.FAILED
    try:
        with translation.override(export.language or None), tempfile.TemporaryFile() as output:
            view = inbox_view(user=export.user, query=export.query)
            rows = _Counted(view.get_export_queryset().iterator(chunk_size=EXPORT_CHUNK_SIZE))
            view.write_xlsx(rows, output)
            output.seek(0)
            content = output.read()
    except Exception:
        # The type and where, never the message: it could quote a patient's details.
        logger.exception("Spreadsheet export %s failed", export_id)
        _finish(export, status=SpreadsheetExport.Status.FAILED)
        raise
    _finish(export, status=SpreadsheetExport.Status.READY, rows=rows.count, content=content)
    return SpreadsheetExport.Status.READY


def inbox_view(*, user, query: dict):
    """The inbox's index view set up as a GET with `query` by `user` would set it up, outside a web
    request: the worker's export holds exactly the rows the staff member was looking at."""
    # Found through the URL, as a request finds it, with the viewset's options.
    view_function = resolve(reverse("visit_requests:index")).func
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("visit_requests:index")
    request.GET = QueryDict(mutable=True)
    for key, values in query.items():
        request.GET.setlist(key, values)
    request.user = user
    view = view_function.view_class(**view_function.view_initkwargs)
    view.setup(request)
    return view


class _Counted(Iterator):
    def __init__(self, rows: Iterable):
        self.rows = iter(rows)
        self.count = 0

    def __next__(self):
        row = next(self.rows)
        self.count += 1
        return row


def _finish(export: SpreadsheetExport, *, status: str, rows: int | None = None, content=None) -> None:
    # The query goes as soon as it is no longer needed: a search may be a patient's name.
    SpreadsheetExport.objects.filter(pk=export.pk).update(
        status=status, rows=rows, content=content, query={}, finished_at=timezone.now()
    )


def _own_export(request, pk: int) -> SpreadsheetExport:
    """The export `pk` if the signed-in staff member asked for it and may still export; 404 for
    anyone else's, so nobody learns which exports exist."""
    if not can_export_visit_requests(request.user):
        raise PermissionDenied
    export = (
        SpreadsheetExport.objects.defer("content")
        .filter(pk=pk, user=request.user, created_at__gte=timezone.now() - EXPORT_LIFETIME)
        .first()
    )
    if export is None:
        raise Http404("No such export.")
    return export


def spreadsheet_export_view(request, pk: int):
    """'Your spreadsheet is being prepared': the page reloads itself until the file is ready, then
    links to it."""
    export = _own_export(request, pk)
    lost = (
        export.status == SpreadsheetExport.Status.PREPARING
        and export.created_at < timezone.now() - BUILD_TIMEOUT
    )
    return TemplateResponse(
        request,
        "booking/admin/spreadsheet_export.html",
        {
            "export": export,
            "preparing": export.status == SpreadsheetExport.Status.PREPARING and not lost,
            "failed": export.status == SpreadsheetExport.Status.FAILED or lost,
            # In the clinic's time with its zone named, like every time staff read.
            "asked_at": visit_time(export.created_at),
            "expires_at": visit_time(export.created_at + EXPORT_LIFETIME),
            "download_url": reverse("visit_requests:spreadsheet_export_download", args=[export.pk]),
            "inbox_url": reverse("visit_requests:index"),
        },
    )


def spreadsheet_export_download(request, pk: int):
    """The finished workbook, to its owner only, never cached on the way."""
    export = _own_export(request, pk)
    if export.status != SpreadsheetExport.Status.READY:
        raise Http404("This export is not ready.")
    content = SpreadsheetExport.objects.values_list("content", flat=True).get(pk=export.pk)
    response = FileResponse(
        BytesIO(bytes(content)),
        as_attachment=True,
        content_type=XLSX_CONTENT_TYPE,
        filename=f"visit-requests-{clinic_wall_time(export.created_at):%Y-%m-%d-%H%M}.xlsx",
    )
    response["Cache-Control"] = "private, no-store"
    return response
