"""Spiders: they find and fetch pages and hand the bytes on as ``Page`` items."""
