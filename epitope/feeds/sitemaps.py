"""The site's sitemap.xml: every live public page, with each article's hero image."""

from wagtail.contrib.sitemaps import Sitemap
from wagtail.images import get_image_model

from . import items as meta


class ImageSitemap(Sitemap):
    """Wagtail's page sitemap, adding `images` to the entries of pages that have a hero image."""

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        images = self._images({p.hero_image_id for p in pages if getattr(p, "hero_image_id", None)})
        urls, last_mods = [], set()
        for item in pages:
            image = images.get(getattr(item, "hero_image_id", None))
            for url_info in item.get_sitemap_urls(self.request):
                if image is not None:
                    url_info["images"] = [meta.share_image(image, self.request)]
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    @staticmethod
    def _images(ids):
        if not ids:
            return {}
        return get_image_model().objects.prefetch_renditions(meta.SHARE_RENDITION).in_bulk(ids)
