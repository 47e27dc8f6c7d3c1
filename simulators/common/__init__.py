"""Pieces every product simulator shares: the HTTP framework, TLS, fault injection, the CLI."""
from __future__ import annotations
