#!/usr/bin/env bash
# Set up the dev environment from scratch if needed, then lint and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_venv.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
