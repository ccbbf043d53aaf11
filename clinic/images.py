"""One renditions query for every image a page shows, wherever the images came from."""

from collections.abc import Iterable

from django.db.models import Prefetch, prefetch_related_objects

from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage


def prefetch_renditions(images: Iterable[AbstractImage | None]) -> None:
    """What Wagtail's `ImageQuerySet.prefetch_renditions()` does for one queryset, for images
    loaded by several (people's photos, a hero, related articles' heroes): their renditions in
    one query, read by `get_rendition` and the `{% image %}` and `{% picture %}` tags."""
    unique = list({id(image): image for image in images if image is not None}.values())
    renditions = get_image_model().get_rendition_model().objects.all()
    # The same Prefetch as Wagtail's, so images already prefetched are skipped.
    prefetch_related_objects(
        unique, Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


def body_images(body) -> list[AbstractImage]:
    """The images of a page body's image blocks (`BaseBodyBlock`): the very instances the body
    renders (a StreamField keeps its blocks once read), so their prefetched renditions are used."""
    return [block.value["image"] for block in body if block.block_type == "image"]
