// The booking and manage forms, improved. Without this file everything works: a day is a button
// that sends the form back with that day's times and everything typed kept.
// - Choosing a day (or earlier/later dates) shows its times in place instead of sending the form.
// - The chosen time is repeated beside the send button, "None of these times suit me" included.
// - Long text fields count their characters instead of cutting what the patient typed.
document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-booking-form]").forEach((form) => {
        const picker = form.querySelector("[data-slot-picker]");
        if (picker) enhancePicker(picker);
        const chosen = form.querySelector("[data-chosen-time]");
        if (chosen) repeatChosenTime(form, chosen);
    });
    document.querySelectorAll("textarea[data-count]").forEach(countCharacters);
});

function enhancePicker(picker) {
    const holder = picker.querySelector("[data-slot-times]");
    const nav = picker.querySelector("[data-slot-days]");
    if (!holder || !nav) return;

    const showDay = (day) => {
        holder.querySelectorAll(".slot-day").forEach((times) => {
            times.hidden = times.dataset.day !== day;
        });
        nav.querySelectorAll(".slot-days button").forEach((button) => {
            if (button.value === day) button.setAttribute("aria-current", "true");
            else button.removeAttribute("aria-current");
        });
    };

    // A day's times and the page of days that holds it. Each day's times are kept once fetched
    // (hidden while another day is shown), so a time chosen on one day stays chosen while the
    // patient looks at others, on this page of days or another.
    const fetchDay = async (day) => {
        const url = new URL(picker.dataset.timesUrl, window.location.href);
        url.searchParams.set("day", day);
        const race = picker.closest("form").querySelector("[name=race_date]");
        if (race && race.value) url.searchParams.set("race", race.value);
        const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(`No times for ${day}: ${response.status}`);
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        const times = template.content.querySelector(".slot-day");
        const days = template.content.querySelector("[data-slot-days]");
        if (!times || !days) throw new Error(`No times for ${day}`);
        return { times, days };
    };

    picker.addEventListener("click", async (event) => {
        const button = event.target.closest("button[name=day]");
        if (!button || !nav.contains(button)) return;
        event.preventDefault();
        const day = button.value;
        const paging = Boolean(button.closest(".slot-days__pages"));
        let times = holder.querySelector(`.slot-day[data-day="${day}"]`);
        if (!times || paging) {
            let fetched;
            try {
                fetched = await fetchDay(day);
            } catch {
                button.form.requestSubmit(button); // the button works without us
                return;
            }
            if (!times) {
                times = fetched.times;
                holder.append(times);
            }
            if (paging) nav.replaceChildren(...fetched.days.childNodes);
        }
        showDay(day);
        // The times come next, for keyboards and screen readers too.
        times.focus();
    });
}

function repeatChosenTime(form, chosen) {
    // On the form, not the picker: "None of these times suit me" sits outside the picker.
    form.addEventListener("change", (event) => {
        const radio = event.target;
        if (radio.name !== "slot" || !radio.checked) return;
        chosen.replaceChildren();
        if (radio.dataset.label === "none") {
            // The words come from the page, in the patient's language.
            chosen.textContent = chosen.dataset.none;
            return;
        }
        const time = document.createElement("strong");
        time.textContent = radio.dataset.label;
        chosen.append(`${chosen.dataset.prefix} `, time);
    });
}

// "120 characters left" under the field as the patient types, and "12 characters too many"
// past the limit: nothing is cut, and the form says why it cannot be sent before it is. A screen
// reader hears the count once typing pauses, not at every key.
function countCharacters(field) {
    const limit = Number(field.dataset.count);
    if (!limit) return;
    const shown = document.createElement("p");
    shown.className = "field__count";
    shown.id = `${field.id}-count`;
    shown.setAttribute("aria-hidden", "true");
    const spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.after(shown, spoken);
    const describedBy = field.getAttribute("aria-describedby");
    let pause;

    const update = (announce) => {
        const left = limit - field.value.length;
        // The words come from the field's data-count-* attributes, in the patient's language.
        const words = field.dataset;
        const text =
            left >= 0
                ? (left === 1 ? words.countLeftOne : words.countLeft).replace("{count}", left)
                : (left === -1 ? words.countOverOne : words.countOver).replace("{count}", -left);
        shown.textContent = text;
        shown.classList.toggle("field__count--over", left < 0);
        field.setAttribute("aria-describedby", [describedBy, shown.id].filter(Boolean).join(" "));
        clearTimeout(pause);
        if (announce) pause = setTimeout(() => (spoken.textContent = text), 1000);
    };
    field.addEventListener("input", () => update(true));
    update(false);
}
