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

// The booking form's slot picker: on a phone, a month of times is a long scroll. Show the first
// few days and a button for the rest. Without JavaScript every day is simply listed.
document.addEventListener("DOMContentLoaded", () => {
    const picker = document.querySelector("[data-slot-picker]");
    if (!picker) return;
    const days = Array.from(picker.querySelectorAll(".slot-day"));
    const shown = 4;
    const checked = days.findIndex((day) => day.querySelector("input:checked"));
    if (days.length <= shown + 1 || checked >= shown) return;
    const later = days.slice(shown);
    later.forEach((day) => { day.hidden = true; });
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button slot-picker__more";
    button.textContent = `Show ${later.length} more days`;
    button.setAttribute("aria-expanded", "false");
    later[0].before(button);
    button.addEventListener("click", () => {
        later.forEach((day) => { day.hidden = false; });
        button.remove();
        later[0].querySelector("input")?.focus();
    });
});
