"""A Scrapy crawler for clean corpora of WeChat and Sohu articles."""
