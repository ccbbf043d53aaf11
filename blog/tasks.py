"""The clinical review workflow's emails, sent by django-tasks on the "clinic" backend (a worker in
production). Wagtail's own notifiers choose the recipients and render its templates: reviewers in
the task's group hear of a submission, the editor who submitted hears of the decision (with the
reviewer's comment when changes are requested). Subjects name the article, never a patient."""

from django_tasks import task

from django.contrib.auth import get_user_model

from wagtail.admin.mail import (
    GroupApprovalTaskStateSubmissionEmailNotifier,
    WorkflowStateApprovalEmailNotifier,
    WorkflowStateRejectionEmailNotifier,
    WorkflowStateSubmissionEmailNotifier,
)
from wagtail.models import TaskState, WorkflowState

NOTIFIERS = {
    "task_submitted": (GroupApprovalTaskStateSubmissionEmailNotifier(), TaskState),
    "workflow_submitted": (WorkflowStateSubmissionEmailNotifier(), WorkflowState),
    "workflow_rejected": (WorkflowStateRejectionEmailNotifier(), WorkflowState),
    "workflow_approved": (WorkflowStateApprovalEmailNotifier(), WorkflowState),
}


class NotificationNotSent(RuntimeError):
    """Some recipients' emails failed (Wagtail logs which); the task is marked failed."""


@task(backend="clinic")
def send_workflow_notification(notification: str, object_id: int, user_id: int | None) -> str:
    notifier, model = NOTIFIERS[notification]
    instance = model.objects.filter(pk=object_id).first()
    if instance is None:
        return "gone"
    if isinstance(instance, TaskState):
        instance = instance.specific
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if not notifier(instance=instance, user=user):
        raise NotificationNotSent(f"{notification} email for {model.__name__} {object_id} not sent to all")
    return "sent"
