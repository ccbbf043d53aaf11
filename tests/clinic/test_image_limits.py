"""Image uploads have a pixel and a byte limit: a huge image is refused with a message before any
thumbnail is made (an 11,000 x 11,000 PNG took 8 s and 1 GB of memory to thumbnail); and only
raster pictures are images (an SVG, or a web page named .png, is refused)."""

import io
import os

from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images.models import Image
from wagtail.models import Collection

ADD_URL = "/admin/images/add/"


def png(width: int, height: int, *, mode: str = "1", noise: bool = False) -> SimpleUploadedFile:
    if noise:
        image = PILImage.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = PILImage.new(mode, (width, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return SimpleUploadedFile("upload.png", buffer.getvalue(), content_type="image/png")


def upload(admin_client, file):
    admin_client.get(ADD_URL)
    data = {"title": "Upload", "file": file, "collection": Collection.get_first_root_node().pk}
    return admin_client.post(ADD_URL, data)


def test_an_11000_by_11000_png_is_refused_with_a_message(admin_client, db):
    response = upload(admin_client, png(11_000, 11_000))
    assert response.status_code == 200
    assert "This file has too many pixels (121000000). Maximum pixels 40000000." in response.content.decode()
    assert not Image.objects.exists()


def test_a_file_over_10_mb_is_refused_with_a_message(admin_client, db):
    response = upload(admin_client, png(1_900, 1_900, noise=True))
    assert "This file is too big" in response.content.decode()
    assert not Image.objects.exists()


def test_an_ordinary_photo_size_is_accepted(admin_client, db):
    upload(admin_client, png(4_000, 3_000))
    assert Image.objects.count() == 1


def test_an_svg_is_refused_as_an_image(admin_client, db):
    """An SVG can carry script; the image library takes raster formats only."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(admin_client, SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml"))
    assert response.status_code == 200
    assert "Not a supported image format" in response.content.decode()
    assert not Image.objects.exists()


def test_a_web_page_named_like_a_picture_is_refused(admin_client, db):
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    response = upload(admin_client, SimpleUploadedFile("photo.png", page, content_type="image/png"))
    assert response.status_code == 200
    assert "Upload a valid image." in response.content.decode()
    assert not Image.objects.exists()
