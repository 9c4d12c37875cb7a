"""Data-lake transformations: submitted intakes → daily workforce demand (Spark and pandas)."""
