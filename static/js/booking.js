// The day-first slot picker, improved: choosing a day shows its times in place instead of loading
// the page again, and the chosen time is repeated beside the send button. Without this file each
// day is a link (?day=) and the page works the same, one load per day.
document.addEventListener("DOMContentLoaded", () => {
    const picker = document.querySelector("[data-slot-picker]");
    if (!picker) return;
    const holder = picker.querySelector("[data-slot-times]");
    const chosen = document.querySelector("[data-chosen-time]");

    const dayOf = (link) => new URL(link.href).searchParams.get("day");

    const showDay = (day) => {
        holder.querySelectorAll(".slot-day").forEach((times) => {
            times.hidden = times.dataset.day !== day;
        });
        picker.querySelectorAll(".slot-days a").forEach((link) => {
            if (dayOf(link) === day) link.setAttribute("aria-current", "true");
            else link.removeAttribute("aria-current");
        });
    };

    // Each day's times are fetched once and kept (hidden when another day is shown), so a time
    // chosen on one day stays chosen while the patient looks at others.
    const loadDay = async (day) => {
        const url = new URL(picker.dataset.timesUrl, window.location.href);
        url.searchParams.set("day", day);
        const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(`No times for ${day}: ${response.status}`);
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        const times = template.content.querySelector(".slot-day");
        if (!times) throw new Error(`No times for ${day}`);
        holder.append(times);
        return times;
    };

    if (holder) {
        picker.addEventListener("click", async (event) => {
            const link = event.target.closest(".slot-days a");
            if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
            event.preventDefault();
            const day = dayOf(link);
            let times = holder.querySelector(`.slot-day[data-day="${day}"]`);
            if (!times) {
                try {
                    times = await loadDay(day);
                } catch {
                    window.location.assign(link.href); // the link works without us
                    return;
                }
            }
            showDay(day);
            history.replaceState(null, "", new URL(link.href).search);
            // As the link's #slot-times would: the times come next, for keyboards and screen readers too.
            times.focus();
        });
    }

    if (!chosen) return;
    picker.addEventListener("change", (event) => {
        const radio = event.target;
        if (radio.name !== "slot" || !radio.checked) return;
        chosen.replaceChildren();
        if (radio.dataset.label === "none") {
            chosen.textContent = "No time chosen: we will contact you about the times that suit you.";
            return;
        }
        const time = document.createElement("strong");
        time.textContent = radio.dataset.label;
        chosen.append("Your time: ", time);
    });
});
