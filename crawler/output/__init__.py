"""Output: feeds routed by item class, the Atom feed, atomic file writes."""
