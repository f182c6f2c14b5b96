"""Notion -> the cache -> a tree of pages: what changed is fetched, the rest is reused."""
