"""Posting Wagtail admin forms from tests, the way a browser would."""

from wagtail.test.utils.form_data import querydict_from_html


def form_data(client, url, form_id="w-editor-form", streams=None):
    """The admin form as the browser would submit it, to be changed field by field.

    StreamFields are drawn by the admin's JavaScript, so their fields are not in the HTML: pass
    them as `streams={"field": [(block_type, {name: value or [values]})]}`."""
    data = querydict_from_html(client.get(url).content.decode(), form_id=form_id)
    for field, blocks in (streams or {}).items():
        data[f"{field}-count"] = str(len(blocks))
        for i, (block_type, values) in enumerate(blocks):
            data.update(
                {f"{field}-{i}-type": block_type, f"{field}-{i}-deleted": "", f"{field}-{i}-order": str(i)}
            )
            for name, value in values.items():
                data.setlist(f"{field}-{i}-value-{name}", value if isinstance(value, list) else [value])
    # The test client sends a list as repeated fields; a QueryDict would send only the last value.
    return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
