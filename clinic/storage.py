"""Uploaded media in an S3 bucket (DJANGO_S3_BUCKET): only renditions are for everyone to read."""

from storages.backends.s3 import S3Storage

# Pages show renditions only. Originals (full size, as uploaded) and documents (served through
# Wagtail's /documents/ view, which applies their privacy) are nobody's to fetch from the bucket.
PUBLIC_FOLDERS = ("images/",)


class MediaStorage(S3Storage):
    """With a bucket that uses ACLs (DJANGO_S3_DEFAULT_ACL=public-read), that ACL goes to
    renditions only; every other object is written private, so a document in a private
    collection cannot be read at its bucket URL, past its privacy settings."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        relative = name.removeprefix(self.location).lstrip("/")
        if self.default_acl and not relative.startswith(PUBLIC_FOLDERS):
            parameters["ACL"] = "private"
        return parameters
