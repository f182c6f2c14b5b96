"""Notion itself: ids, the objects the API returns, and the paced client that reads them."""
