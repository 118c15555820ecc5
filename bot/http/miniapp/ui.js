// Small DOM helpers shared by the views: elements, a toast, the detail dialog, a view stack.
import { formatDate, t } from "./i18n.js";
import { backButton, mainButton } from "./tg.js";

/** el("button.secondary", {onclick}, "text", child...) */
export function el(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split(".");
  const node = document.createElement(tag || "div");
  if (classes.length) node.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let toastTimer = 0;
export function toast(text, isError = false) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.className = isError ? "error" : "";
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 4000);
}

export function showDetail(title, rows, actions = []) {
  const dialog = document.getElementById("detail");
  dialog.replaceChildren(
    el("h2", {}, title),
    el("dl", {}, rows.filter(([, v]) => v !== undefined && v !== null && v !== "").flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("div.row", {}, ...actions, el("button.secondary", { onclick: () => dialog.close() }, t("Close"))),
  );
  if (!dialog.open) dialog.showModal();
  return dialog;
}

/** A stack of screens inside one tab: push shows Telegram's back button. */
export class Screens {
  constructor(root) {
    this.root = root;
    this.stack = [];
  }
  reset(render) {
    this.stack = [render];
    this._show();
  }
  push(render) {
    this.stack.push(render);
    this._show();
  }
  back() {
    if (this.stack.length > 1) this.stack.pop();
    this._show();
  }
  refresh() {
    this._show();
  }
  async _show() {
    mainButton.hide();
    if (this.stack.length > 1) backButton.show(() => this.back());
    else backButton.hide();
    const render = this.stack[this.stack.length - 1];
    const box = el("div");
    this.root.replaceChildren(box);
    try {
      await render(box);
    } catch (error) {
      box.replaceChildren(el("p.error", {}, error.message || String(error)));
    }
  }
}

/** "2027-02-22" -> "Mon, 22 Feb" / "пн, 22 февр." / "Mo., 22. Feb." (the page's language). */
export function weekdayDate(isoDate) {
  const [y, m, d] = isoDate.split("-").map(Number);
  return formatDate(new Date(Date.UTC(y, m - 1, d)), {
    weekday: "short", day: "numeric", month: "short", timeZone: "UTC",
  });
}

/** A booking's status in words (the API's status names stay as they are in `data-status`). */
export function statusWord(status) {
  const words = {
    PENDING: t("Waiting for the school's confirmation"),
    CONFIRMED: t("Confirmed"),
    COMPLETED: t("Attended"),
    NO_SHOW: t("Missed"),
    CANCELLED: t("Cancelled"),
  };
  return words[status] || status;
}
