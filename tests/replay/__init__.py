"""Tests of the replay command and the history files it reads."""
