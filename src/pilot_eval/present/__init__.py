"""Presentation layer: turns metric tables into words, numbers, tables and figures.

``fmt`` (Babel number and date formats) is the base every other presentation module
uses. Nothing here computes a metric; see :mod:`pilot_eval.metrics` for that.
"""
