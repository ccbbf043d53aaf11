"""Strips location and other metadata from images uploaded before originals were stored clean,
and moves each original under an unguessable name (clinic/originals.py). Safe to run again."""

import re

from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.images import get_image_model

from clinic.originals import ORIGINALS_FOLDER, store_clean_original

CLEAN_NAME = re.compile(rf"^{ORIGINALS_FOLDER}/[A-Za-z0-9_-]{{16}}/[^/]+$")


class Command(BaseCommand):
    help = (
        "Remove GPS position and other metadata (EXIF but orientation, XMP, IPTC, comments) from "
        "every image's original file and store it under an unguessable name. Renditions are kept."
    )

    def handle(self, *args, **options):
        cleaned = 0
        images = get_image_model().objects.order_by("pk")
        for image in images.iterator():
            old_name = image.file.name
            if CLEAN_NAME.match(old_name):
                continue  # only clinic.originals stores files there, and only clean ones
            with image.open_file() as file:
                data = file.read()
            with transaction.atomic():
                store_clean_original(image, data, old_name)
                # Only these fields: a content change would start a new page-cache generation,
                # and the renditions (made from the same pixels) stay as they are.
                image.save(update_fields=["file", "file_size", "file_hash"])
            image.file.storage.delete(old_name)
            cleaned += 1
        self.stdout.write(f"Cleaned {cleaned} of {images.count()} image originals.")
