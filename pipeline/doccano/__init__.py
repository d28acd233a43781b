"""doccano package."""
