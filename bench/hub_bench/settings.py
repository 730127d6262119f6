"""The production settings plus one bench-only page: a stock Wagtail-style listing to compare against."""

from pathlib import Path

from epitope.settings.production import *  # noqa: F401,F403
from epitope.settings.production import TEMPLATES

ROOT_URLCONF = "hub_bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]
