// Offers the Spanish page to a visitor whose browser prefers Spanish, on an English page that has
// one. The server never looks at Accept-Language: one URL is one language for everyone, so the
// page cache and Varnish need no "Vary: Accept-Language" (docs/caching.md). The offer's words are
// in the page (a <template>, translated like every other text); "No, thanks" is remembered.
document.addEventListener("DOMContentLoaded", () => {
    const template = document.getElementById("language-offer");
    if (!template) return;
    const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    const wanted = template.dataset.language;
    if (!preferred.toLowerCase().startsWith(wanted)) return;
    const key = "language-offer-dismissed";
    try {
        if (window.localStorage.getItem(key)) return;
    } catch (error) {
        // Storage blocked: offer it on each page rather than never.
    }
    const offer = template.content.firstElementChild.cloneNode(true);
    offer.querySelector("button").addEventListener("click", () => {
        try {
            window.localStorage.setItem(key, "1");
        } catch (error) {
            // Nothing to remember it in; it goes away for this page.
        }
        offer.remove();
    });
    document.body.appendChild(offer);
});
