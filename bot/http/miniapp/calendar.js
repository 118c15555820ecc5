// The calendar tab: FullCalendar's week/day/month grid over GET /api/calendar/events,
// colour-coded kinds with a legend (Okabe–Ito, colour-blind safe), filters, detail on tap.
import { formatDate, language, t, tn } from "./i18n.js";
import { el, showDetail, statusWord } from "./ui.js";

// each kind's words are read when drawn (the page's language is known by then)
export const KINDS = {
  GROUP: { get label() { return t("Group class"); }, color: "#E69F00", text: "#000" },
  INDIVIDUAL: { get label() { return t("Individual lesson"); }, color: "#56B4E9", text: "#000" },
  BAND: { get label() { return t("Band"); }, color: "#009E73", text: "#fff" },
  HYBRID_GROUP: { get label() { return t("Hybrid: group week"); }, color: "#F0E442", text: "#000" },
  HYBRID_PLACEHOLDER: { get label() { return t("Hybrid: individual week"); }, color: "#999999", text: "#000" },
  HYBRID_INDIVIDUAL: { get label() { return t("Booked individual session"); }, color: "#0072B2", text: "#fff" },
  MEET_AND_GREET: { get label() { return t("Meet & greet"); }, color: "#CC79A7", text: "#000" },
  OTHER_EVENT: { get label() { return t("School event"); }, color: "#D55E00", text: "#fff" },
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

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);

function eventHtml(time, title) {
  return (
    `<div class="fc-event-main-frame"><div class="fc-event-time">${time}</div>` +
    `<div class="fc-event-title-container"><div class="fc-event-title">${escapeHtml(title)}</div></div></div>`
  );
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
  // the calendar holds the school's wall times as UTC (see toWall): format them in UTC
  const day = formatDate(event.start, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const clock = (d) => d.toISOString().slice(11, 16);
  return [
    [t("What"), KINDS[kind].label],
    [t("Lesson"), pick(r, "lessonName", "lesson") || event.title],
    [t("When"), `${day} ${clock(event.start)}–${event.end ? clock(event.end) : ""}`],
    [t("Teacher"), pick(r, "teacherName", "teacher")],
    [t("Room"), pick(r, "roomName", "room")],
    [t("Location"), pick(r, "locationName", "location")],
    [t("Enrolled"), enrolled !== undefined ? (max !== undefined ? `${enrolled}/${max}` : String(enrolled)) : undefined],
    [t("Child"), typeof student === "object" ? student.name : student],
    [t("Week"), pick(r, "weekNumber", "week")],
    [t("Status"), pick(r, "status") && statusWord(pick(r, "status"))],
    [t("About"), pick(r, "description") || event.extendedProps.description],
  ];
}

export function legend() {
  return el(
    "div.legend",
    { "aria-label": t("Legend") },
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

/**
 * FullCalendar's words in the page's language (its global build has no locales of its own):
 * the dates come from Intl.DateTimeFormat with the language's code, the rest from our catalog.
 */
export function calendarLocale() {
  return {
    code: language(),
    week: { dow: 1, doy: 4 }, // Monday first, ISO weeks
    direction: "ltr",
    buttonText: {
      prev: t("Previous"), next: t("Next"), today: t("Today"),
      day: t("Day"), week: t("Week"), month: t("Month"), list: t("List"),
    },
    buttonHints: { prev: t("Previous"), next: t("Next"), today: t("Today") },
    viewHint: t("$0 view"),
    navLinkHint: t("Go to $0"),
    closeHint: t("Close"),
    timeHint: t("Time"),
    eventHint: t("Event"),
    allDayText: t("All day"),
    moreLinkText: (n) => tn("+{n} more", "+{n} more", n),
    moreLinkHint: (n) => tn("Show {n} more event", "Show {n} more events", n),
    noEventsText: t("No events to show"),
    weekText: t("Wk"),
    weekTextLong: t("Week"),
  };
}

/** Mounts the calendar tab into `box`; returns the FullCalendar instance. */
export function calendarView(api, me, box) {
  const zone = (me.school && me.school.timezone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const toWall = wallTimeIn(zone);
  const filters = el("div.filters");
  const terms = select("termId", t("All terms"), me.terms || []);
  filters.append(terms);
  const isAdmin = (me.roles || []).includes("admin");
  const teachers = select("teacherId", t("All teachers"), me.teachers || []);
  const locations = select("locationId", t("All locations"), me.locations || []);
  if (isAdmin) filters.append(teachers, locations);
  const status = el("p.hint", { id: "calendar-status" });
  const grid = el("div", { id: "calendar" });
  box.replaceChildren(filters, legend(), status, grid);

  const calendar = new window.FullCalendar.Calendar(grid, {
    initialView: "timeGridWeek",
    locale: calendarLocale(),
    initialDate: askedDate(new URLSearchParams(location.search).get("date"), me.today),
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
    datesSet: (info) => weeks.show(info.start, info.end),
    // the event's inside as one prepared string: much cheaper to draw than FullCalendar's
    // own components for a few hundred events (the same classes, so the same look)
    displayEventTime: false,
    eventContent: (arg) => ({ html: arg.event.extendedProps.html }),
    eventClick: (info) => {
      const kind = info.event.extendedProps.kind;
      showDetail(info.event.title, detailRows(info.event, kind));
    },
  });
  const toEvent = (event) => {
    const kind = kindOf(event);
    const start = toWall(event.start);
    const end = toWall(event.end);
    return {
      id: String(event.id),
      title: event.title,
      start,
      end,
      backgroundColor: KINDS[kind].color,
      borderColor: KINDS[kind].color,
      textColor: KINDS[kind].text,
      classNames: [`kind-${kind}`],
      extendedProps: {
        resource: event.resource || {},
        kind,
        description: event.description,
        html: eventHtml(`${start.slice(11, 16)}–${end.slice(11, 16)}`, event.title),
      },
    };
  };
  const fetchDays = async (first, last) => {
    const events = await api.get("/api/calendar/events", {
      startDate: first,
      endDate: last,
      termId: terms.value,
      teacherId: isAdmin ? teachers.value : "",
      locationId: isAdmin ? locations.value : "",
    });
    return events.map(toEvent);
  };
  const weeks = weekCache(() => calendar, fetchDays, status);
  for (const control of [terms, teachers, locations]) {
    control.addEventListener("change", () => weeks.reset());
  }
  calendar.render();
  return calendar;
}

const DAY_MS = 86400000;
const isoDay = (time) => new Date(time).toISOString().slice(0, 10);

/** The page address's ?date=YYYY-MM-DD when it is a real day, else ``today`` (a typo or a
 * made-up day shows this week, never an error). */
export function askedDate(value, today) {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!parts) return today;
  const [year, month, day] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? value : today;
}

/** The Mondays (ISO dates) of the weeks that the days [start, end) touch. */
function mondaysOf(start, end) {
  const first = start.getTime() - ((start.getUTCDay() + 6) % 7) * DAY_MS;
  const mondays = [];
  for (let t = first; t < end.getTime(); t += 7 * DAY_MS) mondays.push(isoDay(t));
  return mondays;
}

/**
 * The calendar's events, a week at a time: each week is fetched once (one request for the
 * weeks a view still lacks) and added to FullCalendar as an event source of its own, so a
 * week change only draws the new range from events already parsed, never removes and
 * re-adds them; after each view the neighbouring ranges are fetched while the page idles.
 * A filter change starts afresh. The calendar is rebuilt (and so refreshed) on each visit.
 */
function weekCache(calendarOf, fetchDays, status) {
  const loaded = new Map(); // Monday -> Promise of that week's fetch
  const perDay = new Map(); // ISO day -> events starting that day (for "nothing here")
  const seen = new Set(); // event ids already in FullCalendar
  let generation = 0;
  let shown = null;

  function load(mondays) {
    const missing = mondays.filter((monday) => !loaded.has(monday));
    if (!missing.length) return Promise.all(mondays.map((monday) => loaded.get(monday)));
    const asked = generation;
    const last = isoDay(Date.parse(`${missing[missing.length - 1]}T00:00:00Z`) + 6 * DAY_MS);
    const fetched = fetchDays(missing[0], last).then((events) => {
      if (asked !== generation) return;
      const fresh = events.filter((event) => !seen.has(event.id));
      for (const event of fresh) {
        seen.add(event.id);
        const day = event.start.slice(0, 10);
        perDay.set(day, (perDay.get(day) || 0) + 1);
      }
      if (fresh.length) calendarOf().addEventSource({ events: fresh });
    });
    fetched.catch(() => {
      if (asked === generation) for (const monday of missing) loaded.delete(monday);
    });
    for (const monday of missing) loaded.set(monday, fetched);
    return Promise.all(mondays.map((monday) => loaded.get(monday)));
  }

  function prefetch(start, end) {
    const span = end.getTime() - start.getTime();
    const before = mondaysOf(new Date(start.getTime() - span), start);
    const after = mondaysOf(end, new Date(end.getTime() + span));
    // after this view is drawn (the next task), the next range first: the likely tap
    setTimeout(() => {
      load(after).catch(() => {});
      load(before).catch(() => {});
    }, 0);
  }

  async function show(start, end) {
    shown = { start, end };
    const asked = generation;
    status.className = "hint";
    try {
      await load(mondaysOf(start, end));
    } catch (error) {
      if (asked !== generation || shown.start !== start) return;
      status.textContent = error.message;
      status.className = "error";
      return;
    }
    if (asked !== generation || shown.start !== start) return;
    let count = 0;
    for (let t = start.getTime(); t < end.getTime(); t += DAY_MS) count += perDay.get(isoDay(t)) || 0;
    status.textContent = count ? "" : t("Nothing on the calendar in these days.");
    prefetch(start, end);
  }

  function reset() {
    generation += 1;
    loaded.clear();
    perDay.clear();
    seen.clear();
    const calendar = calendarOf();
    calendar.batchRendering(() => {
      for (const source of calendar.getEventSources()) source.remove();
    });
    if (shown) show(shown.start, shown.end);
  }

  return { show, reset };
}
