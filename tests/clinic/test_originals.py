"""Uploaded originals keep no GPS position or other metadata (only the orientation), the pixels
stay exactly as uploaded, and the original's name cannot be guessed from a rendition's."""

import hashlib
import io
import re

import pytest
from PIL import Image as PILImage
from PIL import ImageChops, PngImagePlugin

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command

from wagtail.images.models import Image

from clinic.originals import strip_metadata

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="26,4.2N"/></x:xmpmeta>'
CLEAN_NAME = re.compile(r"^original_images/[A-Za-z0-9_-]{16}/team-photo\.\w+$")


def phone_exif(orientation: int = 6) -> PILImage.Exif:
    """What a phone writes: where (Davie, FL), which way up, and the camera's owner."""
    exif = PILImage.Exif()
    exif[ORIENTATION] = orientation
    exif[0x013B] = "Ashley Kranz"  # Artist
    exif[0x0110] = "Pixel 9"  # Model
    exif[GPS_IFD] = {1: "N", 2: (26.0, 4.0, 12.5), 3: "W", 4: (80.0, 14.0, 2.1)}
    return exif


def picture(size=(64, 48)) -> PILImage.Image:
    image = PILImage.new("RGB", size)
    for x in range(size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), ((x * 4) % 256, (y * 5) % 256, (x * y) % 256))
    return image


def jpeg_from_a_phone() -> bytes:
    output = io.BytesIO()
    picture().save(output, "JPEG", quality=90, exif=phone_exif(), xmp=XMP, comment=b"Davie office")
    return output.getvalue()


def png_with_text_and_exif() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Davie office, 26.07N 80.23W")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    output = io.BytesIO()
    picture().save(output, "PNG", pnginfo=info, exif=phone_exif(orientation=1))
    return output.getvalue()


def webp_with_exif_and_xmp() -> bytes:
    output = io.BytesIO()
    picture().save(output, "WEBP", quality=80, exif=phone_exif(), xmp=XMP)
    return output.getvalue()


def gif_with_comment_and_xmp() -> bytes:
    output = io.BytesIO()
    picture().convert("P").save(output, "GIF", comment=b"Davie office")
    data = output.getvalue()
    # An XMP application block after the header and colour table, as Photoshop writes one.
    packed = data[10]
    at = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    xmp_block = b"\x21\xff\x0bXMP DataXMP" + bytes([len(XMP)]) + XMP + b"\x00"
    return data[:at] + xmp_block + data[at:]


def metadata_of(data: bytes) -> dict:
    with PILImage.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {
            "exif tags": set(exif),
            "gps": dict(exif.get_ifd(GPS_IFD)),
            "info": {
                key
                for key in image.info
                if key
                not in {
                    "dpi",
                    "exif",
                    "jfif",
                    "jfif_version",
                    "jfif_unit",
                    "jfif_density",
                    "loop",
                    "duration",
                    "background",
                    "version",
                    "transparency",
                }
            },
        }


def same_pixels(one: bytes, other: bytes) -> bool:
    with PILImage.open(io.BytesIO(one)) as a, PILImage.open(io.BytesIO(other)) as b:
        return ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


@pytest.fixture
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(data: bytes, name: str) -> Image:
    return Image.objects.create(title="Team photo", file=ImageFile(ContentFile(data), name=name))


def stored(image: Image) -> bytes:
    with image.open_file() as file:
        return file.read()


def test_a_phone_photo_is_stored_without_its_position(media):
    image = upload(jpeg_from_a_phone(), "team-photo.jpg")
    assert metadata_of(stored(image))["gps"] == {}


def test_a_phone_photo_keeps_only_its_orientation(media):
    image = upload(jpeg_from_a_phone(), "team-photo.jpg")
    data = stored(image)
    assert metadata_of(data)["exif tags"] == {ORIENTATION}
    assert PILImage.open(io.BytesIO(data)).getexif()[ORIENTATION] == 6
    assert b"Ashley Kranz" not in data
    assert b"xmpmeta" not in data
    assert b"Davie office" not in data


def test_a_phone_photo_keeps_every_pixel_without_recompression(media):
    original = jpeg_from_a_phone()
    data = stored(upload(original, "team-photo.jpg"))
    assert same_pixels(original, data)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (png_with_text_and_exif, "team-photo.png"),
        (webp_with_exif_and_xmp, "team-photo.webp"),
        (gif_with_comment_and_xmp, "team-photo.gif"),
    ],
)
def test_other_formats_lose_their_metadata_and_keep_their_pixels(media, make, name):
    original = make()
    data = stored(upload(original, name))
    assert metadata_of(data)["gps"] == {}
    assert metadata_of(data)["exif tags"] <= {ORIENTATION}
    assert metadata_of(data)["info"] == set()
    assert b"xmpmeta" not in data
    assert b"Davie office" not in data
    assert same_pixels(original, data)


def test_a_webp_keeps_its_orientation(media):
    data = stored(upload(webp_with_exif_and_xmp(), "team-photo.webp"))
    assert PILImage.open(io.BytesIO(data)).getexif()[ORIENTATION] == 6


def test_an_avif_is_turned_upright_and_saved_without_metadata(media):
    output = io.BytesIO()
    picture((64, 48)).save(output, "AVIF", exif=phone_exif(orientation=6))
    data = stored(upload(output.getvalue(), "team-photo.avif"))
    with PILImage.open(io.BytesIO(data)) as image:
        assert image.size == (48, 64)
        assert dict(image.getexif()) == {}


def test_the_stored_size_and_hash_are_the_clean_files(media):
    image = upload(jpeg_from_a_phone(), "team-photo.jpg")
    data = stored(image)
    assert image.file_size == len(data)
    assert image.file_hash == hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's duplicate check


def test_the_original_name_cannot_be_guessed_from_a_rendition(media):
    image = upload(jpeg_from_a_phone(), "team-photo.jpg")
    rendition = image.get_rendition("fill-32x32")
    assert CLEAN_NAME.match(image.file.name)
    secret = image.file.name.split("/")[1]
    assert secret not in rendition.file.name


def test_a_rendition_carries_no_position_either(media):
    image = upload(jpeg_from_a_phone(), "team-photo.jpg")
    with image.get_rendition("width-32|format-jpeg").file.open("rb") as file:
        assert metadata_of(file.read())["gps"] == {}


def test_an_upload_through_the_admin_is_stored_clean(admin_client, media):
    response = admin_client.post(
        "/admin/images/multiple/add/",
        {"files[]": ContentFile(jpeg_from_a_phone(), name="team-photo.jpg")},
    )
    assert response.status_code == 200
    image = Image.objects.get()
    assert CLEAN_NAME.match(image.file.name)
    assert metadata_of(stored(image))["gps"] == {}


def test_stripping_twice_changes_nothing():
    once = strip_metadata(jpeg_from_a_phone())
    assert strip_metadata(once) == once


def test_a_damaged_jpeg_is_still_stored_clean():
    data = jpeg_from_a_phone()
    cleaned = strip_metadata(data[:-2])  # cut short before its end-of-image marker
    assert metadata_of(cleaned)["gps"] == {}


def test_existing_originals_are_cleaned_and_moved_by_the_command(media):
    (media / "original_images").mkdir()
    (media / "original_images" / "team-photo.jpg").write_bytes(jpeg_from_a_phone())
    image = Image.objects.create(
        title="Old upload", file="original_images/team-photo.jpg", width=64, height=48
    )
    call_command("clean_image_originals", stdout=io.StringIO())
    image.refresh_from_db()
    assert CLEAN_NAME.match(image.file.name)
    assert metadata_of(stored(image))["gps"] == {}
    assert not (media / "original_images" / "team-photo.jpg").exists()


def test_the_command_leaves_clean_originals_alone(media):
    image = upload(jpeg_from_a_phone(), "team-photo.jpg")
    name = image.file.name
    out = io.StringIO()
    call_command("clean_image_originals", stdout=out)
    image.refresh_from_db()
    assert image.file.name == name
    assert "Cleaned 0 of 1" in out.getvalue()


def test_a_cameras_extra_pictures_and_their_exif_are_dropped():
    """Cameras append more pictures after the main one (MPF: depth maps, previews), each with
    its own EXIF."""
    output = io.BytesIO()
    picture().save(output, "MPO", save_all=True, append_images=[picture((32, 24))], exif=phone_exif())
    data = output.getvalue()
    assert data.count(b"\xff\xd8") >= 2
    cleaned = strip_metadata(data)
    assert cleaned.count(b"\xff\xd8\xff") == 1
    assert b"Pixel 9" not in cleaned
    assert metadata_of(cleaned)["gps"] == {}
