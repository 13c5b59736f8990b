"""Tests of the legal pages linked from the footer."""
