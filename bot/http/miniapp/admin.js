// The admin's management page: hybrid lessons with open/closed, booked/expected and
// completion; open/close; reminders; the students x individual-weeks table; book, move or
// cancel on a family's behalf.
import { refusal, slotPicker } from "./slots.js";
import { el, showDetail, toast, weekdayDate } from "./ui.js";

const ACTIVE = new Set(["PENDING", "CONFIRMED", "COMPLETED", "NO_SHOW"]);

function percent(rate) {
  return `${Math.round((Number(rate) || 0) * 100)}%`;
}

function statsLine(stats) {
  const booked = stats.bookedCount ?? 0;
  const expected = stats.expectedBookings ?? 0;
  return `${booked}/${expected} booked · ${percent(stats.completionRate)} complete`;
}

export function managePage(api, me, screens) {
  const filters = { termId: "", teacherId: "" };
  return async function lessonsScreen(box) {
    const terms = el("select", { name: "termId", "aria-label": "Term" }, el("option", { value: "" }, "All terms"),
      (me.terms || []).map((t) => el("option", { value: t.id, selected: t.id === filters.termId }, t.name)));
    const teachers = el("select", { name: "teacherId", "aria-label": "Teacher" }, el("option", { value: "" }, "All teachers"),
      (me.teachers || []).map((t) => el("option", { value: t.id, selected: t.id === filters.teacherId }, t.name)));
    const list = el("div", { id: "lessons" });
    terms.onchange = () => { filters.termId = terms.value; screens.refresh(); };
    teachers.onchange = () => { filters.teacherId = teachers.value; screens.refresh(); };
    box.replaceChildren(el("h2", {}, "Hybrid lessons"), el("div.filters", {}, terms, teachers), list);
    const lessons = (me.lessons || []).filter(
      (l) => (!filters.termId || l.termId === filters.termId) && (!filters.teacherId || l.teacherId === filters.teacherId),
    );
    if (!lessons.length) list.append(el("p.hint", {}, "No hybrid lessons here."));
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
        toast(open ? `Bookings closed: ${lesson.name}.` : `Bookings open: ${lesson.name}.`);
        screens.refresh();
      } catch (error) {
        toast(refusal(error), true);
        toggle.disabled = false;
      }
    },
  }, open ? "Close bookings" : "Open bookings");
  const remind = el("button.secondary", {
    onclick: async () => {
      remind.disabled = true;
      try {
        const result = await api.post(`${path}/send-reminders`);
        const sent = result && result.sent;
        toast(sent !== undefined ? `Reminders sent: ${sent}.` : "Reminders sent.");
      } catch (error) {
        toast(refusal(error), true);
      }
      remind.disabled = false;
    },
  }, "Send reminders");
  const table = el("button", { onclick: () => screens.push((box) => bookingTable(api, lesson, box, screens)) }, "Who booked");
  return el("div.card", { dataset: { lesson: lesson.id } },
    el("h3", {}, lesson.name),
    el("div.hint", {}, [lesson.teacherName, lesson.termName, [lesson.location, lesson.room].filter(Boolean).join(", ")].filter(Boolean).join(" · ")),
    el("div.row", {},
      el(`span.badge.${open ? "open" : "closed"}`, {}, open ? "Open" : "Closed"),
      el("span", { class: "stats" }, failed ? stats.message : statsLine(stats))),
    el("div.row", {}, toggle, remind, table),
  );
}

async function bookingTable(api, lesson, box, screens) {
  box.replaceChildren(el("h2", {}, `${lesson.name}: who booked`), el("p.hint", {}, "Loading…"));
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
          ? el("td.booked", { title: `Booking #${b.id}` }, `${weekdayDate(b.scheduledDate)} ${b.startTime}`)
          : el("td.missing", {}, "—");
      }),
    ),
  );
  box.replaceChildren(
    el("h2", {}, `${lesson.name}: who booked`),
    el("p.hint", {}, "Tap a student to book, move or cancel for the family."),
    el("table.grid", {}, el("thead", {}, el("tr", {}, el("th", {}, "Student"), weeks.map((w) => el("th", {}, `Week ${w}`)))), el("tbody", {}, rows)),
  );
}

function studentSheet(api, lesson, student, cell, screens) {
  const weeks = lesson.individualWeeks || [];
  const dialog = document.getElementById("detail");
  const rows = weeks.map((week) => {
    const b = cell.get(`${student.id}|${week}`);
    return [`Week ${week}`, b ? `${weekdayDate(b.scheduledDate)} ${b.startTime}` : "not booked"];
  });
  const actions = weeks.map((week) => {
    const b = cell.get(`${student.id}|${week}`);
    if (!b) {
      return el("button", { onclick: () => { dialog.close(); screens.push((box) => slotPicker(api, box, {
        lessonId: lesson.id, weekNumber: week, title: `Book ${student.name}, week ${week}`, confirmLabel: "Book",
        commit: (slot) => api.post("/api/hybrid-bookings", { lessonId: lesson.id, studentId: student.id, weekNumber: week, scheduledDate: slot.scheduledDate || slot.date, startTime: slot.startTime, endTime: slot.endTime }),
        done: () => screens.back(),
      })); } }, `Book week ${week}`);
    }
    return el("span.row", {},
      el("button.secondary", { onclick: () => { dialog.close(); screens.push((box) => slotPicker(api, box, {
        lessonId: lesson.id, weekNumber: week, title: `Move ${student.name}, week ${week}`, confirmLabel: "Move to",
        commit: (slot) => api.patch(`/api/hybrid-bookings/${b.id}`, { weekNumber: week, scheduledDate: slot.scheduledDate || slot.date, startTime: slot.startTime, endTime: slot.endTime }),
        done: () => screens.back(),
      })); } }, `Move week ${week}`),
      el("button.danger", { onclick: async () => {
        try {
          await api.del(`/api/hybrid-bookings/${b.id}`, { reason: "Cancelled by the school" });
          dialog.close();
          toast(`Cancelled: ${student.name}, week ${week}.`);
          screens.refresh();
        } catch (error) {
          toast(refusal(error), true);
        }
      } }, `Cancel week ${week}`));
  });
  showDetail(student.name, [["Family", student.familyName], ...rows], actions);
}
