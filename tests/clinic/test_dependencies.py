"""What the installed dependencies must be for the site's own HTTP clients to be the ones we pinned."""

import importlib.metadata

import niquests
import urllib3


def test_urllib3_is_the_pinned_release_not_the_fork_caldav_brings():
    # urllib3-future (caldav -> niquests) ships a .pth that copies the fork over urllib3 at start-up,
    # so boto3 and requests would run on code nobody pinned; the Makefile installs it beside instead.
    assert urllib3.__version__ == importlib.metadata.version("urllib3")


def test_niquests_uses_its_own_copy_of_the_fork():
    assert niquests.packages.urllib3.__name__ == "urllib3_future"
