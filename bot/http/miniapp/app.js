// The Mini App's start: theme, init data, who is looking (GET /api/me), the language the
// page speaks (the one /api/me says the caller is answered in; until then the Telegram
// client's), and the tabs each role gets: Calendar for everyone, Manage for admins, Book
// for parents.
import { managePage } from "./admin.js";
import { ApiError, makeApi } from "./api.js";
import { calendarView } from "./calendar.js";
import { fetchTexts, t, useTexts } from "./i18n.js";
import { parentPage } from "./parent.js";
import { clientLanguage, initData, onThemeChanged, ready, theme, wireOwnButtons } from "./tg.js";
import { el, Screens } from "./ui.js";

function applyTheme(params) {
  const root = document.documentElement;
  const entries = Object.entries(params || {});
  for (const [key, value] of entries) {
    if (/^#[0-9a-f]{3,8}$/i.test(String(value))) root.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
  }
  if (!entries.length) return;
  root.dataset.themed = "";
  const bg = String(params.bg_color || "#ffffff").replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(bg.slice(i, i + 2), 16) || 0);
  root.dataset.scheme = 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
}

function plainMessage(text) {
  document.getElementById("view").replaceChildren(el("p", { id: "no-access" }, text));
}

const noAccess = () =>
  t(
    "This page opens from the school's bot in Telegram. Open it with the bot's menu button, " +
      "or ask the bot for /calendar.",
  );

/** The page's own words in index.html, once the language is known. */
function speak(title) {
  document.title = title || t("Music school");
  document.getElementById("title").textContent = title || t("Music school");
  const back = document.getElementById("back");
  back.textContent = t("‹ Back");
  back.setAttribute("aria-label", t("Back"));
  const loading = document.getElementById("loading");
  if (loading) loading.textContent = t("Loading…");
}

async function start() {
  applyTheme(theme.params);
  onThemeChanged(applyTheme);
  wireOwnButtons();
  ready();
  // the client's language while /api/me is asked (its answer names the language to speak)
  const guessed = fetchTexts(clientLanguage || navigator.language || "en");
  if (!initData) {
    useTexts(await guessed);
    speak();
    return plainMessage(noAccess());
  }
  const query = new URLSearchParams(location.search);
  const api = makeApi(initData, query.get("school") || "");
  let me;
  try {
    me = await api.get("/api/me");
  } catch (error) {
    // the page's words in the refusal's language (the server knows the account's), else
    // the client's guess
    const refusal = error instanceof ApiError && error.language ? fetchTexts(error.language) : null;
    useTexts((refusal && (await refusal)) || (await guessed));
    speak();
    if (error instanceof ApiError && error.status === 401) {
      return plainMessage(`${noAccess()} (${error.message})`);
    }
    return plainMessage(error.message);
  }
  window.__me = me; // for the browser tests' eyes only: what the page was told
  useTexts((await fetchTexts(me.language || clientLanguage || "en")) || (await guessed));
  speak(me.school ? me.school.name : "");
  const roles = me.roles || [];
  const tabs = [["calendar", t("Calendar")]];
  if (roles.includes("admin")) tabs.push(["manage", t("Manage")]);
  if (roles.includes("parent")) tabs.push(["book", t("Book")]);
  const nav = document.getElementById("tabs");
  const view = document.getElementById("view");
  const screens = new Screens(view);
  async function reload() {
    Object.assign(me, await api.get("/api/me"));
  }
  function open(name) {
    for (const b of nav.children) b.setAttribute("aria-selected", String(b.dataset.tab === name));
    if (name === "manage") screens.reset(managePage(api, me, screens));
    else if (name === "book") screens.reset(parentPage(api, me, screens, reload));
    else screens.reset((box) => calendarView(api, me, box));
  }
  nav.replaceChildren(...tabs.map(([name, label]) => el("button", { dataset: { tab: name }, onclick: () => open(name) }, label)));
  nav.hidden = tabs.length < 2;
  const wanted = new URLSearchParams(location.hash.replace(/^#/, "")).get("tab") || query.get("tab");
  open(tabs.some(([name]) => name === wanted) ? wanted : tabs[0][0]);
}

if (window.FullCalendar) start();
else window.addEventListener("load", start);
