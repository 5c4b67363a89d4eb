"""Bare Flask: one /health route. Served by gunicorn (see benchmarks/frameworks.py)."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
