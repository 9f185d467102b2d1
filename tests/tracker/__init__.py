"""Tests of tracker/."""
