"""DJANGO_SERVE_MEDIA=true: a single server without a proxy rule serves uploaded images itself,
safely; otherwise /media/ is the proxy's (or S3's) business."""

import pytest

# The 404 page reads the clinic's settings.
pytestmark = pytest.mark.django_db

IMAGE = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
RENDITION = "/media/images/team.fill-300x300.png"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "team.fill-300x300.png").write_bytes(IMAGE)
    (tmp_path / "original_images").mkdir()
    (tmp_path / "original_images" / "team.png").write_bytes(IMAGE)
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "private.pdf").write_bytes(b"%PDF-1.4 private")
    (tmp_path / "secret.txt").write_text("not for the public")
    return tmp_path


@pytest.fixture
def serve_media(settings, media_root):
    settings.SERVE_MEDIA = True
    return media_root


def test_media_are_not_served_by_django_unless_asked(client, media_root):
    assert client.get(RENDITION).status_code == 404


def test_an_uploaded_image_is_served_when_asked(client, serve_media):
    response = client.get(RENDITION)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == IMAGE


def test_a_served_image_has_its_type(client, serve_media):
    assert client.get(RENDITION)["Content-Type"] == "image/png"


def test_a_served_file_cannot_run_as_a_page_of_the_site(client, serve_media):
    policy = client.get(RENDITION)["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy


def test_a_served_file_is_not_sniffed(client, serve_media):
    assert client.get(RENDITION)["X-Content-Type-Options"] == "nosniff"


def test_a_served_image_may_be_cached(client, serve_media):
    assert client.get(RENDITION)["Cache-Control"] == "public, max-age=86400"


def test_originals_are_not_served_pages_show_renditions(client, serve_media):
    assert client.get("/media/original_images/team.png").status_code == 404


def test_documents_are_not_served_past_their_privacy_checks(client, serve_media):
    assert client.get("/media/documents/private.pdf").status_code == 404


def test_documents_cannot_be_reached_by_a_detour(client, serve_media):
    assert client.get("/media/images/../documents/private.pdf").status_code == 404


def test_files_outside_the_image_folders_are_not_served(client, serve_media):
    assert client.get("/media/secret.txt").status_code == 404


def test_nothing_outside_media_root_is_served(client, serve_media):
    assert client.get("/media/images/../../../etc/passwd").status_code == 404


def test_media_cannot_be_posted_to(client, serve_media):
    assert client.post(RENDITION).status_code == 405
