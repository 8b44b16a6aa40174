"""Fetching and discovery: what to fetch and how.

Plain libraries: ``urls`` (article keys, hosts, address safety), ``listings``
(feeds and site APIs -> article links), ``anticrawl`` (verification pages).
Scrapy adapter: ``downloader`` (guard middleware, download handler, retries).
"""
