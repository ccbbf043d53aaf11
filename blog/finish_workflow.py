"""WAGTAIL_FINISH_WORKFLOW_ACTION's entry point. Wagtail imports the setting's function while its
own models are still loading, so this module imports nothing until a workflow finishes."""


def publish_approved(workflow_state, user=None) -> None:
    from .workflow import publish_approved  # noqa: PLC0415 - see the module docstring

    publish_approved(workflow_state, user=user)
