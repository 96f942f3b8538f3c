"""Text normalisers: education, wages, lists, dates, yes/no, districts, groups."""
