"""Tests of `flask demo load`."""
