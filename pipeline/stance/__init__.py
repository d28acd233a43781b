"""stance package."""
