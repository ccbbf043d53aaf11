// Progressive enhancement only: the site works without this file. (early.js has already
// swapped the html element's "no-js" class for "js".)

document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.querySelector(".main-nav__toggle");
    const list = document.getElementById("main-nav-list");
    if (!toggle || !list) return;
    toggle.hidden = false;
    const setOpen = (open) => {
        toggle.setAttribute("aria-expanded", String(open));
        list.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
            setOpen(false);
            toggle.focus();
        }
    });
});

// A form sent back with errors: move focus to its error summary so screen readers announce it
// and keyboard users start from the list of links to the fields.
document.addEventListener("DOMContentLoaded", () => {
    const summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
});
