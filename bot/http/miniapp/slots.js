// The slot grid of one individual week and its confirmation, for parents and admins alike.
import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { mainButton } from "./tg.js";
import { el, toast, weekdayDate } from "./ui.js";

/** Plain words for the API's refusals (the server's message, which already says why). */
export function refusal(error) {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 409) return t("{refusal} Here are the free slots now.", { refusal: error.message });
  return error.message;
}

function slotDate(slot) {
  return slot.scheduledDate || slot.date;
}

/**
 * Renders the free slots of `lessonId` in `weekNumber` into `box`; on confirm calls
 * `commit(slot)` (a promise). A refusal is shown and the fresh slots are loaded again.
 * `confirmLabel({day, time})` is the main button's text for the slot tapped.
 */
export async function slotPicker(api, box, { lessonId, weekNumber, title, confirmLabel, commit, done }) {
  box.replaceChildren(el("h2", {}, title), el("p.hint", {}, t("Loading free slots…")));
  const data = await api.get("/api/hybrid-bookings/available-slots", { lessonId, weekNumber });
  const slots = (Array.isArray(data) ? data : data.slots || []).filter((s) => s.available !== false);
  let chosen = null;
  const grid = el("div");
  const byDay = new Map();
  for (const slot of slots) {
    const day = slotDate(slot);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(slot);
  }
  const message = el("p.hint", {}, slots.length ? t("Tap a time, then confirm.") : t("No free slots left in this week."));
  for (const [day, daySlots] of byDay) {
    grid.append(
      el("h3", {}, weekdayDate(day)),
      el(
        "div.slots",
        {},
        daySlots.map((slot) =>
          el(
            "button",
            {
              "aria-pressed": "false",
              dataset: { date: day, time: slot.startTime },
              onclick: (event) => {
                for (const b of grid.querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
                event.currentTarget.setAttribute("aria-pressed", "true");
                chosen = slot;
                mainButton.show(confirmLabel({ day: weekdayDate(day), time: slot.startTime }), confirm);
              },
            },
            slot.startTime,
          ),
        ),
      ),
    );
  }
  async function confirm() {
    if (!chosen) return;
    const slot = chosen;
    mainButton.hide();
    try {
      const booking = await commit(slot);
      toast(t("Done: {day} {time}.", { day: weekdayDate(slotDate(slot)), time: slot.startTime }));
      done(booking);
    } catch (error) {
      toast(refusal(error), true);
      if (error instanceof ApiError && error.status === 409) {
        await slotPicker(api, box, { lessonId, weekNumber, title, confirmLabel, commit, done });
        box.querySelector("p.hint").textContent = refusal(error);
      } else {
        message.textContent = refusal(error);
        message.className = "error";
      }
    }
  }
  box.replaceChildren(el("h2", {}, title), message, grid);
}
