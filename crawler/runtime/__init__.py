"""The crawl process itself: stats and progress, log lines, the garbage collector."""
