"""Human and linked-data pages. Skeleton: to be completed (issue 8)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)
