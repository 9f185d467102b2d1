"""Tests of exports/."""
