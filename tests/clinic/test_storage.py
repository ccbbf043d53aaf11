"""On an S3 bucket that uses ACLs, only renditions are written readable by everyone."""

import pytest

from clinic.storage import MediaStorage


@pytest.fixture
def public_read_bucket():
    return MediaStorage(bucket_name="clinic-media", default_acl="public-read", access_key="k", secret_key="s")


def acl_of(storage, name):
    return storage._get_write_parameters(name).get("ACL")


def test_renditions_take_the_buckets_public_acl(public_read_bucket):
    assert acl_of(public_read_bucket, "images/team.fill-300x300.webp") == "public-read"


@pytest.mark.parametrize("name", ["original_images/AbCdEfGh12345678/team.jpg", "documents/rota.pdf"])
def test_originals_and_documents_are_written_private(public_read_bucket, name):
    assert acl_of(public_read_bucket, name) == "private"


def test_a_bucket_without_acls_gets_none():
    storage = MediaStorage(bucket_name="clinic-media", access_key="k", secret_key="s")
    assert acl_of(storage, "documents/rota.pdf") is None
