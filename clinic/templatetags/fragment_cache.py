"""`{% cachedfragment "name" [object] %}…{% endcachedfragment %}`: a part of a page kept rendered in
the shared cache, under the page cache's generation (clinic/page_cache.py). `object` is a model
instance (its primary key goes into the key) or a string that tells the fragment's variants apart.

Any change that can show on a page starts a new generation, so a fragment is exactly as fresh as a
cached page: an article's body, its related articles and the site's footer are rendered once per
publish instead of once per request, even with the page cache off or bypassed (signed-in staff,
a request with a session). The key is the generation, the host, the name and the object (an
article: one entry per article; no object: one per site). Never used for a preview
(unsaved content), nor without a request, nor when `FRAGMENT_CACHE_SECONDS` is 0. A fragment must
not hold anything that differs between two requests for the same URL of the same host: no CSRF
token, nothing about the user, nothing from the query string that its object does not name (a
list's page number).
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from clinic.page_cache import cached, current_generation

register = template.Library()


def fragment_cache_key(request, name: str, obj) -> str:
    vary = "" if obj is None else getattr(obj, "pk", obj)
    # The language too: the footer is the same on every page of one language only.
    return f"fragment:{current_generation(request)}:{request.get_host()}:{get_language()}:{name}:{vary}"


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist, name, obj):
        self.nodelist, self.name, self.obj = nodelist, name, obj

    def render(self, context):
        seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
        request = context.get("request")
        if seconds <= 0 or request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        key = fragment_cache_key(request, self.name, self.obj.resolve(context) if self.obj else None)
        html = cached(request, key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, timeout=seconds)
        return html


@register.tag
def cachedfragment(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f'Usage: {{% {bits[0]} "name" [object] %}}')
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    obj = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return CachedFragmentNode(nodelist, bits[1][1:-1], obj)
