"""Uploaded images' originals, stored without where (or by whom, or with what) they were taken.

A phone photo carries EXIF (GPS position, time, camera, owner's name), XMP and IPTC. The original
file is what Wagtail keeps, so it is stored with none of that: only the orientation survives, so
the picture still stands the right way up. JPEG, PNG, WebP and GIF are rewritten block by block
without decoding a pixel (nothing is re-compressed); any other format (AVIF) is decoded, turned
upright and saved again without metadata.

Originals are also stored under an unguessable folder (`original_images/<random>/name.jpg`):
renditions are named after the original's file name only (`images/name.fill-300x300.webp`), so
a rendition no longer tells where its original is. Nothing public links to originals; see
docs/security.md for the proxy rule that stops serving them at all.
"""

import io
import os
import secrets
import struct
import zlib

from PIL import Image, ImageOps

from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

from wagtail.utils.file import hash_filelike

ORIENTATION = 0x0112
ORIGINALS_FOLDER = "original_images"
# Wagtail's file field holds 100 characters: folder, random part and a shortened name.
_NAME_MAX = 100 - len(ORIGINALS_FOLDER) - 2 - 16


class Unparsable(ValueError):
    """The file is not laid out as its format says; it is decoded and saved again instead."""


def orientation_of(data: bytes) -> int:
    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(ORIENTATION, 1)
    except (OSError, ValueError, SyntaxError):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _orientation_exif(orientation: int) -> bytes:
    """A TIFF header with one entry, the orientation (what EXIF blocks hold, after b"Exif\\0\\0")."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()[len(b"Exif\x00\x00") :]


def strip_metadata(data: bytes) -> bytes:
    """The same image without metadata but its orientation (and its colour profile)."""
    orientation = orientation_of(data)
    for signature, strip in _STRIPPERS:
        if data.startswith(signature):
            try:
                return strip(data, orientation)
            except (Unparsable, IndexError, struct.error):
                break
    return _decode_and_save(data)


# JPEG: segments before the image data, kept only when they describe how to decode it (tables,
# frame, JFIF, Adobe's colour transform, the ICC profile). Everything after the end of the main
# image (a camera's extra "MPF" pictures, which carry their own EXIF) is dropped.
_JPEG_KEPT_APP = {0xE0: b"", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}


def _strip_jpeg(data: bytes, orientation: int) -> bytes:
    out = [b"\xff\xd8"]
    position = 2
    while True:
        if data[position] != 0xFF:
            raise Unparsable("expected a JPEG marker")
        while data[position] == 0xFF:  # fill bytes
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            out.append(b"\xff\xd9")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(bytes([0xFF, marker]))
            continue
        (length,) = struct.unpack(">H", data[position : position + 2])
        segment = bytes([0xFF, marker]) + data[position : position + length]
        payload = data[position + 2 : position + length]
        position += length
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            prefix = _JPEG_KEPT_APP.get(marker)
            if prefix is None or not payload.startswith(prefix):
                continue
        out.append(segment)
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            end = data.find(b"\xff", position)
            while end != -1 and (data[end + 1] == 0x00 or 0xD0 <= data[end + 1] <= 0xD7):
                end = data.find(b"\xff", end + 2)
            if end == -1:  # cut short: keep what there is, and end it properly
                out.extend([data[position:], b"\xff\xd9"])
                break
            out.append(data[position:end])
            position = end
    if orientation != 1:
        exif = b"Exif\x00\x00" + _orientation_exif(orientation)
        app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
        # After the JFIF header when there is one (it must come first), else right after SOI.
        at = 2 if len(out) > 1 and out[1].startswith(b"\xff\xe0") else 1
        out.insert(at, app1)
    return b"".join(out)


# PNG: text chunks (where XMP and descriptions live), EXIF and the modification time go.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _strip_png(data: bytes, orientation: int) -> bytes:
    out = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while True:
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise Unparsable("PNG chunk runs past the end")
        if kind == b"IDAT" and orientation != 1 and not any(c[4:8] == b"eXIf" for c in out):
            out.append(_png_chunk(b"eXIf", _orientation_exif(orientation)))
        if kind not in _PNG_DROPPED:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(out)


# WebP: RIFF chunks; the extended header's flags say which optional chunks follow.
_WEBP_EXIF_FLAG = 0x08
_WEBP_XMP_FLAG = 0x04


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def _strip_webp(data: bytes, orientation: int) -> bytes:
    if data[8:12] != b"WEBP":
        raise Unparsable("not a WebP file")
    chunks = []
    position = 12
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_riff = min(len(data), 8 + riff_size)
    while position + 8 <= end_of_riff:
        kind = data[position : position + 4]
        (size,) = struct.unpack("<I", data[position + 4 : position + 8])
        body = data[position + 8 : position + 8 + size]
        if len(body) != size:
            raise Unparsable("WebP chunk runs past the end")
        position += 8 + size + size % 2
        if kind not in (b"EXIF", b"XMP "):
            chunks.append([kind, body])
    if chunks and chunks[0][0] == b"VP8X":
        flags = chunks[0][1][0] & ~(_WEBP_EXIF_FLAG | _WEBP_XMP_FLAG)
        if orientation != 1:
            flags |= _WEBP_EXIF_FLAG
            chunks.append([b"EXIF", _orientation_exif(orientation)])
        chunks[0][1] = bytes([flags]) + chunks[0][1][1:]
    body = b"WEBP" + b"".join(_riff_chunk(kind, chunk) for kind, chunk in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# GIF: comments and application blocks go, except the animation loop count.
_GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}


def _gif_sub_blocks_end(data: bytes, position: int) -> int:
    while data[position]:
        position += data[position] + 1
    return position + 1


def _strip_gif(data: bytes, orientation: int) -> bytes:
    packed = data[10]
    position = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    out = [data[:position]]
    while True:
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if introducer == 0x2C:  # an image: descriptor, optional colour table, LZW data
            local = data[position + 9]
            start = position
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
            position = _gif_sub_blocks_end(data, position)
            out.append(data[start:position])
        elif introducer == 0x21:  # an extension
            label = data[position + 1]
            start = position
            position = _gif_sub_blocks_end(data, position + 2)
            application = data[start + 3 : start + 3 + 11] if label == 0xFF else b""
            if label in (0xF9, 0x01) or application in _GIF_KEPT_APPLICATIONS:
                out.append(data[start:position])
        else:
            raise Unparsable("unknown GIF block")


_STRIPPERS = [
    (b"\xff\xd8", _strip_jpeg),
    (_PNG_SIGNATURE, _strip_png),
    (b"RIFF", _strip_webp),
    (b"GIF87a", _strip_gif),
    (b"GIF89a", _strip_gif),
]


def _decode_and_save(data: bytes) -> bytes:
    """For formats not rewritten in place: the pixels turned upright, saved in the same format
    at high quality, with the colour profile and nothing else."""
    with Image.open(io.BytesIO(data)) as image:
        image_format = image.format
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        output = io.BytesIO()
        options = {"icc_profile": icc_profile} if icc_profile else {}
        upright.save(output, format=image_format, quality=90, **options)
    return output.getvalue()


def unguessable_name(filename: str) -> str:
    """`original_images/<16 random characters>/<the file's name, made safe and short>`."""
    stem, extension = os.path.splitext(os.path.basename(filename))
    ascii_stem = get_valid_filename(stem.encode("ascii", "ignore").decode() or "image") or "image"
    name = ascii_stem[: _NAME_MAX - len(extension)] + extension.lower()
    return f"{ORIGINALS_FOLDER}/{secrets.token_urlsafe(12)}/{name}"


def store_clean_original(image, data: bytes, filename: str) -> None:
    """Store `data` without its metadata as `image`'s original under an unguessable name, and
    set the file's size and hash (Wagtail finds duplicate uploads by the hash)."""
    clean = strip_metadata(data)
    storage = image.file.storage
    image.file = storage.save(unguessable_name(filename), ContentFile(clean))
    image.file_size = len(clean)
    image.file_hash = hash_filelike(io.BytesIO(clean))


def clean_new_original(sender, instance, **kwargs) -> None:
    """pre_save of the image model: a newly uploaded (or replaced) file is stored clean instead
    of as it came. Files already stored (every other save) are left alone."""
    file = instance.file
    if not file or getattr(file, "_committed", True):
        return
    file.seek(0)
    data = file.read()
    store_clean_original(instance, data, file.name)
