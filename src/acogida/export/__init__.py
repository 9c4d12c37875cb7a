"""The pseudonymised analytics copy of submitted intakes (raw/submissions/) — pure Python."""
