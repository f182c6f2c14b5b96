"""mkdocs-notion-sync: publish a Notion workspace as an MkDocs site."""

__version__ = "0.1.0"
