"""The bottom layer: issues, outcome spaces, vectorised preferences, safe expressions, scenario types."""
