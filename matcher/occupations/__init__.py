"""Occupations: the 2022 classification, title coder, proximity."""
