"""Tests mirror the modules they prove."""
