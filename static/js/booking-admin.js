// The inbox's move picker, improved: choosing a day (or earlier/later dates) shows its times in
// place instead of loading the edit form again, which would lose a status or notes being typed;
// the chosen time is repeated under the picker. Without this file each day is a link (?day=) and
// the form works the same, one load per day.
document.addEventListener("DOMContentLoaded", () => {
    const picker = document.querySelector("[data-move-picker]");
    if (!picker) return;
    const days = picker.querySelector("[data-move-days]");
    const holder = picker.querySelector("[data-move-times]");
    const chosen = picker.querySelector("[data-move-chosen]");

    const showDay = (day) => {
        holder.querySelectorAll(".move-picker__day").forEach((times) => {
            times.hidden = times.dataset.day !== day;
        });
    };

    // A day's page of days and its times. The times are kept once fetched (hidden when another
    // day is shown), so a time chosen on one day stays chosen while staff look at others.
    const loadDay = async (day) => {
        const url = new URL(picker.dataset.timesUrl, window.location.href);
        url.searchParams.set("day", day);
        const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(`No times for ${day}: ${response.status}`);
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        const page = template.content.querySelector("[data-move-days]");
        const times = template.content.querySelector(".move-picker__day");
        if (!page || !times) throw new Error(`No times for ${day}`);
        days.replaceChildren(...page.childNodes);
        if (!holder.querySelector(`.move-picker__day[data-day="${day}"]`)) holder.append(times);
        return holder.querySelector(`.move-picker__day[data-day="${day}"]`);
    };

    if (days && holder) {
        days.addEventListener("click", async (event) => {
            const link = event.target.closest("a[data-day]");
            if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
            event.preventDefault();
            let times;
            try {
                times = await loadDay(link.dataset.day);
            } catch {
                window.location.assign(link.href); // the link works without us
                return;
            }
            showDay(link.dataset.day);
            times.focus();
        });
    }

    picker.addEventListener("change", (event) => {
        const radio = event.target;
        if (radio.type !== "radio" || !radio.checked) return;
        chosen.replaceChildren();
        if (!radio.value) return;
        const time = document.createElement("strong");
        time.textContent = radio.dataset.label;
        chosen.append(picker.dataset.chosenPrefix, " ", time);
    });
});

// The opening hours check on the booking page's Availability tab and on Settings › Clinic: as staff
// edit either timetable, the server checks it again (booking/opening_hours.py, the one place the
// rule is written) and the warning above the fields says, before saving, where they disagree.
document.addEventListener("DOMContentLoaded", () => {
    const check = document.querySelector("[data-opening-hours-check]");
    const form = check && check.closest("form");
    if (!form || !check.dataset.checkUrl) return;
    const result = check.querySelector("[data-opening-hours-check-result]");
    const prefix = `${check.dataset.watch}-`;

    const fields = () => {
        const params = new URLSearchParams();
        for (const [name, value] of new FormData(form)) {
            if (name.startsWith(prefix) && typeof value === "string") params.append(name, value);
        }
        return params.toString();
    };

    let asked = fields();
    let timer;
    const refresh = async () => {
        const now = fields();
        if (now === asked) return;
        asked = now;
        const url = new URL(check.dataset.checkUrl, window.location.href);
        url.search = now;
        try {
            const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
            // A later edit asked again meanwhile: its answer is the one to show.
            if (response.ok && now === asked) result.innerHTML = await response.text();
        } catch {
            // Offline for a moment: the warning is shown again when the page is saved.
        }
    };
    const soon = () => {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
    };
    // Typing, choosing, and rows added or deleted (a click, then the admin's own script).
    ["input", "change", "click"].forEach((type) => form.addEventListener(type, soon));
});
