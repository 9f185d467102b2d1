"""Tests of kernel/."""
