"""Clinical review: what happens when the workflow on the blog approves an article, and the
workflow's emails, which go through the task worker like every other email the clinic sends.

An approval by a member of 'Clinical reviewers' is the article's medical review: the revision that
goes live (now, or at its scheduled time) records that reviewer's Team entry and the approval's
date, so the public "Medically reviewed by ... on ..." line always comes from an approval."""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wagtail.models import GroupApprovalTask, Revision, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from clinic.models import Person

from .models import BlogPage
from .services import CLINICAL_REVIEWERS
from .tasks import send_workflow_notification

logger = logging.getLogger(__name__)


def publish_approved(workflow_state: WorkflowState, user=None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish (or schedule) the approved object's latest revision,
    recording the review first when a clinical reviewer approved an article. The approval is the
    permission: reviewers need no publish permission of their own (and so cannot skip the review)."""
    revision = workflow_state.content_object.get_latest_revision()
    approval = clinical_approval(workflow_state)
    if approval is not None and issubclass(revision.content_type.model_class(), BlogPage):
        record_review(revision, approval)
        revision = Revision.objects.get(pk=revision.pk)
    revision.publish(user=user, skip_permission_checks=True)


def clinical_approval(workflow_state: WorkflowState) -> TaskState | None:
    """The workflow's latest approval of a task assigned to the Clinical reviewers group, if any."""
    clinical_tasks = GroupApprovalTask.objects.filter(groups__name=CLINICAL_REVIEWERS)
    return (
        workflow_state.task_states.filter(status=TaskState.STATUS_APPROVED, task__in=clinical_tasks)
        .select_related("finished_by")
        .order_by("-finished_at", "-pk")
        .first()
    )


def record_review(revision: Revision, approval: TaskState) -> None:
    """Write the review into the revision that will go live. The revision is changed in place, not
    copied: it is the content the reviewer approved, and this is the approval's outcome. An
    approver without a Team entry (Clinic > Team > admin account) leaves the reviewer empty, and
    the public page then names no reviewer."""
    reviewer = Person.objects.filter(user=approval.finished_by).first() if approval.finished_by_id else None
    revision.content["last_reviewed"] = timezone.localdate(approval.finished_at).isoformat()
    revision.content["reviewed_by"] = reviewer.pk if reviewer else None
    revision.save(update_fields=["content"])


# Wagtail sends these emails inside the request that submits or decides, through signal receivers
# registered under these dispatch_uids (wagtail.admin.signal_handlers). Connecting ours under the
# same uids first, from BlogConfig.ready() (blog comes before wagtail.admin in INSTALLED_APPS),
# means Wagtail's are never connected: each email is queued instead and sent by the worker.
NOTIFICATIONS = [
    (task_submitted, TaskState, "group_approval_task_submitted_email_notification", "task_submitted"),
    (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification", "workflow_submitted"),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification", "workflow_rejected"),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification", "workflow_approved"),
]


_quiet = threading.local()


@contextmanager
def without_emails():
    """Workflow steps taken inside this block email no one (the demo's own review of its guide)."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def connect_notifications() -> None:
    for signal, sender, dispatch_uid, notification in NOTIFICATIONS:
        signal.connect(_queue(notification), sender=sender, dispatch_uid=dispatch_uid, weak=False)


def _queue(notification: str):
    def receiver(sender, instance, user=None, **kwargs):
        if getattr(_quiet, "on", False):
            return
        if notification == "workflow_submitted" and not getattr(
            settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True
        ):
            return  # Wagtail sends this one to superusers only: no email, so no task.
        object_id, user_id = instance.pk, getattr(user, "pk", None)
        transaction.on_commit(lambda: _enqueue(notification, object_id, user_id))

    return receiver


def _enqueue(notification: str, object_id: int, user_id: int | None) -> None:
    # After the commit: a queue that is down must not undo the submission or the decision.
    try:
        send_workflow_notification.enqueue(notification, object_id, user_id)
    except Exception:  # noqa: BLE001
        logger.exception("Could not queue the %s email for %s", notification, object_id)
