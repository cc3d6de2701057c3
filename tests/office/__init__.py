"""Tests of the welfare office link: the box (test_box*) and the office (test_hub*)."""
