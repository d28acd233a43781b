"""`claimtrace evaluate`: score pipeline output against gold."""
