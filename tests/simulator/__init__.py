"""Tests of the household simulator."""
