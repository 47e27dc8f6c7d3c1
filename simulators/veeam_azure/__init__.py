"""Veeam Backup for Microsoft Azure simulator (REST v8.1, v8, v7, v6 and the archived v1 listing)."""
from __future__ import annotations
