"""Tests for Care Plug."""
