"""Production settings for benchmarks: as deployed, but served over plain HTTP on loopback with
static files collected into a temporary folder."""

import os

from clinic.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
