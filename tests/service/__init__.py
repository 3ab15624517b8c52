"""Tests for the HTTP service (service/)."""
