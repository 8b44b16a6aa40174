"""What the tests and the benches share: the mock site, a throwaway Redis,
real ``scrapy crawl`` processes, the labelled sets. Development tools, left
out of the scrapyd egg (setup.py); nothing in the crawl imports them."""
