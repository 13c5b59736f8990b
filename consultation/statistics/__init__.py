"""Figures of a consultation (SQL aggregates), visitor counting, the workbook and open data."""
