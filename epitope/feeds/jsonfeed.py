"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) as a Django SyndicationFeed.

Being a SyndicationFeed, it plugs into the same hook classes as RSS and Atom: a feed class
only sets `feed_type = JSONFeed`. Image and attachment details travel in each item's extra
keyword arguments (`image`, `attachments`), which the XML generators ignore.
"""

import json

from django.utils.feedgenerator import SyndicationFeed, rfc3339_date

VERSION = "https://jsonfeed.org/version/1.1"


class JSONFeed(SyndicationFeed):
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.as_dict(), ensure_ascii=False))

    def as_dict(self):
        """Return the feed as the JSON Feed object, leaving out keys that have no value."""
        feed = self.feed
        out = {
            "version": VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed.get("feed_url"),
            "description": feed.get("description"),
            "language": feed.get("language"),
            "authors": [{"name": feed["author_name"]}] if feed.get("author_name") else None,
            "items": [self.item_dict(item) for item in self.items],
        }
        return _compact(out)

    def item_dict(self, item):
        authors = item.get("authors") or ([item["author_name"]] if item.get("author_name") else [])
        out = {
            "id": item.get("unique_id") or item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_text": item.get("description") or "",
            "summary": item.get("description"),
            "image": item.get("image"),
            "date_published": rfc3339_date(item["pubdate"]) if item.get("pubdate") else None,
            "date_modified": rfc3339_date(item["updateddate"]) if item.get("updateddate") else None,
            "authors": [{"name": name} for name in authors] or None,
            "tags": list(item.get("categories") or ()) or None,
            "attachments": [
                _compact({"url": e.url, "mime_type": e.mime_type, "size_in_bytes": int(e.length) or None})
                for e in item.get("enclosures") or ()
            ]
            or None,
        }
        return _compact(out)


def _compact(mapping):
    return {key: value for key, value in mapping.items() if value is not None}
