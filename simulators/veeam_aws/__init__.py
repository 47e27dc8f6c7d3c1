"""Simulator of the Veeam Backup for AWS REST API (v1), DynamoDB restores."""
from __future__ import annotations
