"""Consultations, their batches, chapters and versions, and the public reading pages."""
