"""The tree of pages -> a site: paths, Markdown documents, databases, blog posts, nav,
embeds in hand-written pages, local copies of files, and the staged folder MkDocs reads."""
