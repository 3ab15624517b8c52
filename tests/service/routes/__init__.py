"""Tests for service/routes/, one module per route module."""
