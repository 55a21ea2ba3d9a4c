"""Data files shipped with ab-lint (sdk_releases.json: see scripts/build_sdk_releases.py)."""
