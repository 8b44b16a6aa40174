"""State that outlives a crawl: incremental runs and the distributed queue.

Plain library: ``seen`` (the seen-store). Scrapy adapters: ``incremental``
(seen-store extension, JOBDIR resume guard), ``distributed`` (Redis queue,
scheduler and addon).
"""
