// The Telegram side of the page: init data, theme, ready/expand, BackButton, MainButton.
// Real Mini Apps load telegram-web-app.js from Telegram's servers; we ship no CDN script, so this
// shim uses window.Telegram.WebApp when a host provides it, else talks to the Telegram
// client directly (the documented postEvent bridge) and reads what Telegram puts in the URL
// fragment: #tgWebAppData=<init data>&tgWebAppThemeParams=<json>. In a plain browser the
// back and main buttons are drawn in the page.

const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
const webApp = window.Telegram && window.Telegram.WebApp;
const listeners = { back_button_pressed: [], main_button_pressed: [], theme_changed: [] };

function postEvent(type, data) {
  const payload = JSON.stringify(data || {});
  try {
    if (window.TelegramWebviewProxy) {
      window.TelegramWebviewProxy.postEvent(type, payload);
    } else if (window.parent !== window) {
      window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
    }
  } catch (_) {
    /* not inside Telegram: nothing to tell */
  }
}

function receive(type, data) {
  if (type === "theme_changed" && data && data.theme_params) {
    theme.params = data.theme_params;
  }
  for (const fn of listeners[type] || []) fn(data);
}

// Telegram's clients call window.Telegram.WebView.receiveEvent(type, data).
window.Telegram = window.Telegram || {};
window.Telegram.WebView = window.Telegram.WebView || { receiveEvent: receive };
window.addEventListener("message", (event) => {
  try {
    const msg = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
    if (msg && msg.eventType) receive(msg.eventType, msg.eventData);
  } catch (_) {
    /* not one of Telegram's messages */
  }
});

function parseTheme(text) {
  try {
    return text ? JSON.parse(text) : {};
  } catch (_) {
    return {};
  }
}

const inTelegram = Boolean(webApp || window.TelegramWebviewProxy || window.parent !== window);

/** The init data string, exactly as Telegram signed it ("" when there is none). */
export const initData = (webApp && webApp.initData) || fragment.get("tgWebAppData") || "";

/** The Telegram client's language (init data's user.language_code), "" when unknown. */
export const clientLanguage = (() => {
  const user = webApp && webApp.initDataUnsafe && webApp.initDataUnsafe.user;
  if (user && user.language_code) return String(user.language_code);
  try {
    const parsed = JSON.parse(new URLSearchParams(initData).get("user") || "{}");
    return typeof parsed.language_code === "string" ? parsed.language_code : "";
  } catch (_) {
    return "";
  }
})();

export const theme = {
  params: (webApp && webApp.themeParams) || parseTheme(fragment.get("tgWebAppThemeParams")),
};

export function onThemeChanged(fn) {
  if (webApp && webApp.onEvent) webApp.onEvent("themeChanged", () => fn(webApp.themeParams));
  listeners.theme_changed.push(() => fn(theme.params));
}

export function ready() {
  if (webApp) {
    webApp.ready();
    webApp.expand();
  } else {
    postEvent("web_app_ready");
    postEvent("web_app_expand");
  }
}

/** Back button: Telegram's own where it is, else a button in the page's header. */
export const backButton = {
  handler: null,
  show(handler) {
    this.handler = handler;
    if (webApp && webApp.BackButton) {
      webApp.BackButton.offClick(this._click);
      webApp.BackButton.onClick(this._click);
      webApp.BackButton.show();
    } else {
      postEvent("web_app_setup_back_button", { is_visible: true });
    }
    const own = document.getElementById("back");
    if (own) own.hidden = inTelegram;
  },
  hide() {
    this.handler = null;
    if (webApp && webApp.BackButton) webApp.BackButton.hide();
    else postEvent("web_app_setup_back_button", { is_visible: false });
    const own = document.getElementById("back");
    if (own) own.hidden = true;
  },
  _click() {
    if (backButton.handler) backButton.handler();
  },
};
listeners.back_button_pressed.push(() => backButton._click());

/** Main button (the big one at the bottom): Telegram's, else one fixed in the page. */
export const mainButton = {
  handler: null,
  show(text, handler) {
    this.handler = handler;
    if (webApp && webApp.MainButton) {
      webApp.MainButton.offClick(this._click);
      webApp.MainButton.onClick(this._click);
      webApp.MainButton.setText(text);
      webApp.MainButton.show();
    } else {
      postEvent("web_app_setup_main_button", {
        is_visible: true,
        is_active: true,
        text,
        color: theme.params.button_color || "#2481cc",
        text_color: theme.params.button_text_color || "#ffffff",
      });
    }
    const own = document.getElementById("main-button");
    if (own) {
      own.textContent = text;
      own.hidden = inTelegram;
    }
  },
  hide() {
    this.handler = null;
    if (webApp && webApp.MainButton) webApp.MainButton.hide();
    else postEvent("web_app_setup_main_button", { is_visible: false });
    const own = document.getElementById("main-button");
    if (own) own.hidden = true;
  },
  _click() {
    if (mainButton.handler) mainButton.handler();
  },
};
listeners.main_button_pressed.push(() => mainButton._click());

export function wireOwnButtons() {
  const back = document.getElementById("back");
  if (back) back.addEventListener("click", () => backButton._click());
  const main = document.getElementById("main-button");
  if (main) main.addEventListener("click", () => mainButton._click());
}
