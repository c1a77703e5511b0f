"""The plan's outcome indicators, counted from live complaints and tips (measures 1, 3, 9, 10, 11)."""
