// The calendar tab: FullCalendar's week/day/month grid over GET /api/calendar/events,
// colour-coded kinds with a legend (Okabe–Ito, colour-blind safe), filters, detail on tap.
import { el, showDetail } from "./ui.js";

export const KINDS = {
  GROUP: { label: "Group class", color: "#E69F00", text: "#000" },
  INDIVIDUAL: { label: "Individual lesson", color: "#56B4E9", text: "#000" },
  BAND: { label: "Band", color: "#009E73", text: "#fff" },
  HYBRID_GROUP: { label: "Hybrid: group week", color: "#F0E442", text: "#000" },
  HYBRID_PLACEHOLDER: { label: "Hybrid: individual week", color: "#999999", text: "#000" },
  HYBRID_INDIVIDUAL: { label: "Booked individual session", color: "#0072B2", text: "#fff" },
  MEET_AND_GREET: { label: "Meet & greet", color: "#CC79A7", text: "#000" },
  OTHER_EVENT: { label: "School event", color: "#D55E00", text: "#fff" },
};
const ALIASES = { BOOKED_SESSION: "HYBRID_INDIVIDUAL" };

export function kindOf(event) {
  const type = (event.resource && event.resource.type) || event.type || "OTHER_EVENT";
  const kind = ALIASES[type] || type;
  return KINDS[kind] ? kind : "OTHER_EVENT";
}

/** "2026-05-11T16:00:00+02:00" -> the wall time in the school's zone, as a naive string. */
function wallTimeIn(zone) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  return (value) => {
    const parts = {};
    for (const p of format.formatToParts(new Date(value))) parts[p.type] = p.value;
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  };
}

function pick(object, ...names) {
  for (const name of names) {
    if (object && object[name] !== undefined && object[name] !== null && object[name] !== "") return object[name];
  }
  return undefined;
}

function detailRows(event, kind) {
  const r = event.extendedProps.resource || {};
  const enrolled = pick(r, "enrolledCount", "enrolled");
  const max = pick(r, "maxStudents", "capacity");
  const student = pick(r, "studentName", "student");
  return [
    ["What", KINDS[kind].label],
    ["Lesson", pick(r, "lessonName", "lesson") || event.title],
    ["When", `${event.start.toISOString().slice(0, 10)} ${event.start.toISOString().slice(11, 16)}–${event.end ? event.end.toISOString().slice(11, 16) : ""}`],
    ["Teacher", pick(r, "teacherName", "teacher")],
    ["Room", pick(r, "roomName", "room")],
    ["Location", pick(r, "locationName", "location")],
    ["Enrolled", enrolled !== undefined ? (max !== undefined ? `${enrolled}/${max}` : String(enrolled)) : undefined],
    ["Child", typeof student === "object" ? student.name : student],
    ["Week", pick(r, "weekNumber", "week")],
    ["Status", pick(r, "status")],
    ["About", pick(r, "description") || event.extendedProps.description],
  ];
}

export function legend() {
  return el(
    "div.legend",
    { "aria-label": "Legend" },
    Object.entries(KINDS).map(([kind, k]) => el(`span.${kind}`, { style: `--swatch:${k.color}` }, k.label)),
  );
}

function select(name, label, options) {
  return el(
    "select",
    { name, "aria-label": label },
    el("option", { value: "" }, label),
    options.map((o) => el("option", { value: o.id }, o.name)),
  );
}

/** Mounts the calendar tab into `box`; returns the FullCalendar instance. */
export function calendarView(api, me, box) {
  const zone = (me.school && me.school.timezone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const toWall = wallTimeIn(zone);
  const filters = el("div.filters");
  const terms = select("termId", "All terms", me.terms || []);
  filters.append(terms);
  const isAdmin = (me.roles || []).includes("admin");
  const teachers = select("teacherId", "All teachers", me.teachers || []);
  const locations = select("locationId", "All locations", me.locations || []);
  if (isAdmin) filters.append(teachers, locations);
  const status = el("p.hint", { id: "calendar-status" });
  const grid = el("div", { id: "calendar" });
  box.replaceChildren(filters, legend(), status, grid);

  const calendar = new window.FullCalendar.Calendar(grid, {
    initialView: "timeGridWeek",
    initialDate: new URLSearchParams(location.search).get("date") || me.today,
    timeZone: "UTC", // events arrive as the school's wall time (see toWall)
    // the school's today, as the server's clock has it, at the school's time of day
    now: () => `${me.today}T${toWall(Date.now()).slice(11)}`,
    firstDay: 1,
    nowIndicator: true,
    allDaySlot: false,
    slotMinTime: "07:00:00",
    slotMaxTime: "22:00:00",
    height: "auto",
    expandRows: true,
    slotEventOverlap: false,
    // at most 3 side by side in a phone-wide day; the rest behind "+N" (a popover lists them)
    eventMaxStack: 3,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    headerToolbar: { left: "prev,next today", center: "title", right: "timeGridDay,timeGridWeek,dayGridMonth" },
    buttonText: { today: "Today", day: "Day", week: "Week", month: "Month" },
    events: async (info, success, failure) => {
      const end = new Date(info.end.getTime() - 86400000);
      try {
        const events = await api.get("/api/calendar/events", {
          startDate: info.startStr.slice(0, 10),
          endDate: end.toISOString().slice(0, 10),
          termId: terms.value,
          teacherId: isAdmin ? teachers.value : "",
          locationId: isAdmin ? locations.value : "",
        });
        status.textContent = events.length ? "" : "Nothing on the calendar in these days.";
        success(
          events.map((event) => {
            const kind = kindOf(event);
            return {
              id: String(event.id),
              title: event.title,
              start: toWall(event.start),
              end: toWall(event.end),
              backgroundColor: KINDS[kind].color,
              borderColor: KINDS[kind].color,
              textColor: KINDS[kind].text,
              classNames: [`kind-${kind}`],
              extendedProps: { resource: event.resource || {}, kind, description: event.description },
            };
          }),
        );
      } catch (error) {
        status.textContent = error.message;
        status.className = "error";
        failure(error);
      }
    },
    eventClick: (info) => {
      const kind = info.event.extendedProps.kind;
      showDetail(info.event.title, detailRows(info.event, kind));
    },
  });
  for (const control of [terms, teachers, locations]) {
    control.addEventListener("change", () => calendar.refetchEvents());
  }
  calendar.render();
  return calendar;
}
