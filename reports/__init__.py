"""Readers across domains: pages and exports composed from several domain apps."""
