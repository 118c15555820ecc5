// The parent's page: their children's hybrid lessons, the weeks with the chat's markers,
// the slot grid and confirm; their bookings with reschedule and cancel.
import { t } from "./i18n.js";
import { refusal, slotPicker } from "./slots.js";
import { el, showDetail, statusWord, toast, weekdayDate } from "./ui.js";

// the chat's week markers (read when drawn: the page's language is known by then)
const MARK = {
  get group() { return t("group"); },
  get to_book() { return t("to book"); },
  get booked() { return t("booked"); },
  get past() { return t("past"); },
  get closed() { return t("closed"); },
};

export function parentPage(api, me, screens, reload) {
  return async function childrenScreen(box) {
    box.replaceChildren(el("h2", {}, t("Book an individual session")));
    const children = me.children || [];
    if (!children.length) box.append(el("p.hint", {}, t("No child of yours takes a hybrid lesson.")));
    for (const child of children) {
      for (const lesson of child.lessons) {
        box.append(
          el("div.card", { dataset: { child: child.id, lesson: lesson.id } },
            el("h3", {}, `${child.name} · ${lesson.name}`),
            el("div.hint", {}, [lesson.teacherName, [lesson.location, lesson.room].filter(Boolean).join(", "), lesson.bookingsOpen ? t("bookings open") : t("bookings closed")].filter(Boolean).join(" · ")),
            el("div.weeks", {}, lesson.weeks.map((w) => weekChip(api, child, lesson, w, screens, reload))),
          ),
        );
      }
    }
    box.append(el("h2", {}, t("Your bookings")));
    const list = el("div", { id: "my-bookings" }, el("p.hint", {}, t("Loading…")));
    box.append(list);
    const bookings = await api.get("/api/hybrid-bookings/my-bookings");
    list.replaceChildren();
    if (!bookings.length) list.append(el("p.hint", {}, t("No bookings yet.")));
    for (const b of bookings) list.append(bookingCard(api, b, screens, reload));
  };
}

function weekChip(api, child, lesson, week, screens, reload) {
  const label = t("W{week} {mark}", { week: week.week, mark: MARK[week.status] || week.status });
  const chip = el(`button.week.${week.status}`, { dataset: { week: week.week, status: week.status } }, label);
  if (week.status === "to_book") {
    chip.onclick = () => screens.push((box) => slotPicker(api, box, {
      lessonId: lesson.id, weekNumber: week.week,
      title: t("{child}: {lesson}, week {week}", { child: child.name, lesson: lesson.name, week: week.week }),
      confirmLabel: (at) => t("Book {day} {time}", at),
      commit: (slot) => api.post("/api/hybrid-bookings", { lessonId: lesson.id, studentId: child.id, weekNumber: week.week, scheduledDate: slot.scheduledDate || slot.date, startTime: slot.startTime, endTime: slot.endTime }),
      done: async () => { await reload(); screens.reset(screens.stack[0]); },
    }));
  } else if (week.status === "booked") {
    chip.onclick = () => showDetail(t("{child}: week {week}", { child: child.name, week: week.week }), [
      [t("Lesson"), lesson.name],
      [t("Booked"), week.booking ? `${weekdayDate(week.booking.scheduledDate)} ${week.booking.startTime}` : t("yes")],
    ]);
  } else {
    chip.disabled = week.status !== "booked";
  }
  return chip;
}

function bookingCard(api, b, screens, reload) {
  const lessonName = (b.lesson && b.lesson.name) || b.lessonId;
  const studentName = (b.student && b.student.name) || b.studentId;
  const active = b.status !== "CANCELLED";
  const move = el("button.secondary", { onclick: () => screens.push((box) => slotPicker(api, box, {
    lessonId: b.lessonId ?? b.lesson?.id, weekNumber: b.weekNumber,
    title: t("Move {student}: {lesson}, week {week}", { student: studentName, lesson: lessonName, week: b.weekNumber }),
    confirmLabel: (at) => t("Move to {day} {time}", at),
    commit: (slot) => api.patch(`/api/hybrid-bookings/${b.id}`, { weekNumber: b.weekNumber, scheduledDate: slot.scheduledDate || slot.date, startTime: slot.startTime, endTime: slot.endTime }),
    done: async () => { await reload(); screens.reset(screens.stack[0]); },
  })) }, t("Reschedule"));
  const cancel = el("button.danger", { onclick: async () => {
    cancel.disabled = true;
    try {
      await api.del(`/api/hybrid-bookings/${b.id}`, { reason: "Cancelled by the family in the Mini App" });
      toast(t("Cancelled: {student}, week {week}.", { student: studentName, week: b.weekNumber }));
      await reload();
      screens.refresh();
    } catch (error) {
      toast(refusal(error), true);
      cancel.disabled = false;
    }
  } }, t("Cancel"));
  return el("div.card", { dataset: { booking: b.id } },
    el("h3", {}, `${studentName} · ${lessonName}`),
    el("div", {}, t("Week {week}: {day} {start}–{end}", { week: b.weekNumber, day: weekdayDate(b.scheduledDate), start: b.startTime, end: b.endTime })),
    el("div.hint", { dataset: { status: b.status } }, statusWord(b.status)),
    active ? el("div.row", {}, move, cancel) : null,
  );
}
