// The admin's management page: hybrid lessons with open/closed, booked/expected and
// completion; open/close; reminders; the students x individual-weeks table; book, move or
// cancel on a family's behalf.
import { t, tn } from "./i18n.js";
import { refusal, slotPicker } from "./slots.js";
import { el, showDetail, toast, weekdayDate } from "./ui.js";

const ACTIVE = new Set(["PENDING", "CONFIRMED", "COMPLETED", "NO_SHOW"]);

function percent(rate) {
  return `${Math.round((Number(rate) || 0) * 100)}%`;
}

function statsLine(stats) {
  const booked = stats.bookedCount ?? 0;
  const expected = stats.expectedBookings ?? 0;
  return t("{booked}/{expected} booked · {percent} complete", {
    booked, expected, percent: percent(stats.completionRate),
  });
}

export function managePage(api, me, screens) {
  const filters = { termId: "", teacherId: "" };
  return async function lessonsScreen(box) {
    const terms = el("select", { name: "termId", "aria-label": t("Term") }, el("option", { value: "" }, t("All terms")),
      (me.terms || []).map((t) => el("option", { value: t.id, selected: t.id === filters.termId }, t.name)));
    const teachers = el("select", { name: "teacherId", "aria-label": t("Teacher") }, el("option", { value: "" }, t("All teachers")),
      (me.teachers || []).map((t) => el("option", { value: t.id, selected: t.id === filters.teacherId }, t.name)));
    const list = el("div", { id: "lessons" });
    terms.onchange = () => { filters.termId = terms.value; screens.refresh(); };
    teachers.onchange = () => { filters.teacherId = teachers.value; screens.refresh(); };
    box.replaceChildren(el("h2", {}, t("Hybrid lessons")), el("div.filters", {}, terms, teachers), list);
    const lessons = (me.lessons || []).filter(
      (l) => (!filters.termId || l.termId === filters.termId) && (!filters.teacherId || l.teacherId === filters.teacherId),
    );
    if (!lessons.length) list.append(el("p.hint", {}, t("No hybrid lessons here.")));
    const all = await Promise.all(
      lessons.map((l) => api.get(`/api/hybrid-bookings/lessons/${encodeURIComponent(l.id)}/hybrid/stats`).catch((e) => e)),
    );
    lessons.forEach((lesson, i) => list.append(lessonCard(api, lesson, all[i], screens)));
  };
}

function lessonCard(api, lesson, stats, screens) {
  const path = `/api/hybrid-bookings/lessons/${encodeURIComponent(lesson.id)}/hybrid`;
  const failed = stats instanceof Error;
  const open = failed ? lesson.bookingsOpen : Boolean(stats.bookingsOpen ?? lesson.bookingsOpen);
  const toggle = el("button.secondary", {
    dataset: { action: open ? "close" : "open" },
    onclick: async () => {
      toggle.disabled = true;
      try {
        await api.patch(`${path}/${open ? "close" : "open"}-bookings`);
        lesson.bookingsOpen = !open;
        toast(open ? t("Bookings closed: {lesson}.", { lesson: lesson.name }) : t("Bookings open: {lesson}.", { lesson: lesson.name }));
        screens.refresh();
      } catch (error) {
        toast(refusal(error), true);
        toggle.disabled = false;
      }
    },
  }, open ? t("Close bookings") : t("Open bookings"));
  const remind = el("button.secondary", {
    onclick: async () => {
      remind.disabled = true;
      try {
        const result = await api.post(`${path}/send-reminders`);
        const sent = result && result.sent;
        toast(sent !== undefined ? tn("{n} reminder sent.", "{n} reminders sent.", sent) : t("Reminders sent."));
      } catch (error) {
        toast(refusal(error), true);
      }
      remind.disabled = false;
    },
  }, t("Send reminders"));
  const table = el("button", { onclick: () => screens.push((box) => bookingTable(api, lesson, box, screens)) }, t("Who booked"));
  return el("div.card", { dataset: { lesson: lesson.id } },
    el("h3", {}, lesson.name),
    el("div.hint", {}, [lesson.teacherName, lesson.termName, [lesson.location, lesson.room].filter(Boolean).join(", ")].filter(Boolean).join(" · ")),
    el("div.row", {},
      el(`span.badge.${open ? "open" : "closed"}`, {}, open ? t("Open") : t("Closed")),
      el("span", { class: "stats" }, failed ? stats.message : statsLine(stats))),
    el("div.row", {}, toggle, remind, table),
  );
}

async function bookingTable(api, lesson, box, screens) {
  const heading = () => el("h2", {}, t("{lesson}: who booked", { lesson: lesson.name }));
  box.replaceChildren(heading(), el("p.hint", {}, t("Loading…")));
  const bookings = await api.get(`/api/hybrid-bookings/lessons/${encodeURIComponent(lesson.id)}/hybrid/bookings`);
  const cell = new Map();
  for (const b of bookings) {
    if (ACTIVE.has(b.status)) cell.set(`${b.studentId ?? b.student?.id}|${b.weekNumber}`, b);
  }
  const weeks = lesson.individualWeeks || [];
  const rows = (lesson.students || []).map((student) =>
    el("tr", { dataset: { student: student.id } },
      el("td", {}, el("button.link", { onclick: () => studentSheet(api, lesson, student, cell, screens) }, student.name)),
      weeks.map((week) => {
        const b = cell.get(`${student.id}|${week}`);
        return b
          ? el("td.booked", { title: t("Booking #{id}", { id: b.id }) }, `${weekdayDate(b.scheduledDate)} ${b.startTime}`)
          : el("td.missing", {}, "—");
      }),
    ),
  );
  box.replaceChildren(
    heading(),
    el("p.hint", {}, t("Tap a student to book, move or cancel for the family.")),
    el("table.grid", {}, el("thead", {}, el("tr", {}, el("th", {}, t("Student")), weeks.map((w) => el("th", {}, t("Week {week}", { week: w }))))), el("tbody", {}, rows)),
  );
}

function studentSheet(api, lesson, student, cell, screens) {
  const weeks = lesson.individualWeeks || [];
  const dialog = document.getElementById("detail");
  const rows = weeks.map((week) => {
    const b = cell.get(`${student.id}|${week}`);
    return [t("Week {week}", { week }), b ? `${weekdayDate(b.scheduledDate)} ${b.startTime}` : t("not booked")];
  });
  const actions = weeks.map((week) => {
    const b = cell.get(`${student.id}|${week}`);
    if (!b) {
      return el("button", { onclick: () => { dialog.close(); screens.push((box) => slotPicker(api, box, {
        lessonId: lesson.id, weekNumber: week,
        title: t("Book {student}, week {week}", { student: student.name, week }),
        confirmLabel: (at) => t("Book {day} {time}", at),
        commit: (slot) => api.post("/api/hybrid-bookings", { lessonId: lesson.id, studentId: student.id, weekNumber: week, scheduledDate: slot.scheduledDate || slot.date, startTime: slot.startTime, endTime: slot.endTime }),
        done: () => screens.back(),
      })); } }, t("Book week {week}", { week }));
    }
    return el("span.row", {},
      el("button.secondary", { onclick: () => { dialog.close(); screens.push((box) => slotPicker(api, box, {
        lessonId: lesson.id, weekNumber: week,
        title: t("Move {student}, week {week}", { student: student.name, week }),
        confirmLabel: (at) => t("Move to {day} {time}", at),
        commit: (slot) => api.patch(`/api/hybrid-bookings/${b.id}`, { weekNumber: week, scheduledDate: slot.scheduledDate || slot.date, startTime: slot.startTime, endTime: slot.endTime }),
        done: () => screens.back(),
      })); } }, t("Move week {week}", { week })),
      el("button.danger", { onclick: async () => {
        try {
          await api.del(`/api/hybrid-bookings/${b.id}`, { reason: "Cancelled by the school" });
          dialog.close();
          toast(t("Cancelled: {student}, week {week}.", { student: student.name, week }));
          screens.refresh();
        } catch (error) {
          toast(refusal(error), true);
        }
      } }, t("Cancel week {week}", { week })));
  });
  showDetail(student.name, [[t("Family"), student.familyName], ...rows], actions);
}
