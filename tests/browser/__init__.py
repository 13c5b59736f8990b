"""Tests that drive headless Chromium against the application served on a local port."""
