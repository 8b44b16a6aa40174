"""Packaging for scrapyd: `scrapyd-deploy` builds an egg of the project from this.

Rule and selector files ship inside the package, so they are package data.
"""

from setuptools import find_packages, setup

setup(
    name="crawler",
    version="1.0",
    packages=find_packages(include=["crawler", "crawler.*"], exclude=["crawler.testing"]),
    package_data={"crawler": ["**/*.toml", "**/*.json", "**/*.txt"]},
    entry_points={"scrapy": ["settings = crawler.settings"]},
    zip_safe=False,
)
