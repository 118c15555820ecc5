// The page's words in the reader's language. Every text is marked with t("...") or
// tn(singular, plural, n) (README's pybabel extract puts them into the musicbot catalog,
// babel.cfg), and GET i18n/<lang>.json brings their translations from the compiled catalog
// (bot/http/miniapp_i18n.py). A text without a translation stays English. Placeholders are
// {name}, filled from the object given: t("Week {week}", { week: 4 }); tn fills {n} itself.

const SAFE_PLURAL = /^[n0-9\s%=!<>&|?:()+\-*/]+$/;
const englishPlural = (n) => (n === 1 ? 0 : 1);
const state = { language: "en", messages: {}, plural: englishPlural };

/** The language the page speaks now ("en", "ru", "de"). */
export function language() {
  return state.language;
}

/** The language a code names ("ru-RU" -> "ru"); the server answers others in English. */
export function languageOf(code) {
  return String(code || "").replace("_", "-").split("-")[0].trim().toLowerCase();
}

function pluralRule(expression) {
  if (typeof expression !== "string" || !SAFE_PLURAL.test(expression)) return englishPlural;
  try {
    // eslint-disable-next-line no-new-func -- a gettext plural expression, checked above
    const rule = new Function("n", `return Number(${expression});`);
    return (n) => rule(Math.abs(Math.trunc(Number(n) || 0)));
  } catch (_) {
    return englishPlural;
  }
}

/** The texts of one language, as GET i18n/<lang>.json answers them (null: English). */
export function useTexts(data) {
  state.language = (data && data.language) || "en";
  state.messages = (data && data.messages) || {};
  state.plural = pluralRule(data && data.plural);
  document.documentElement.lang = state.language;
}

const loaded = new Map(); // language -> promise of its texts

/** Fetches a language's texts (once); English when they cannot be had. */
export function fetchTexts(code) {
  const wanted = languageOf(code) || "en";
  if (!loaded.has(wanted)) {
    const url = new URL(`i18n/${encodeURIComponent(wanted)}.json`, import.meta.url);
    loaded.set(
      wanted,
      fetch(url, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null),
    );
  }
  return loaded.get(wanted);
}

function fill(text, values) {
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** `message` in the page's language, its {placeholders} filled from `values`. */
export function t(message, values) {
  const found = state.messages[message];
  return fill(typeof found === "string" && found ? found : message, values);
}

/** The form of `singular`/`plural` for the count `n` ({n} and `values` filled in). */
export function tn(singular, plural, n, values) {
  const forms = state.messages[singular];
  const index = state.plural(n);
  const english = n === 1 ? singular : plural;
  const text = Array.isArray(forms) && forms[index] ? forms[index] : english;
  return fill(text, { n, ...values });
}

/** A date (or an instant) through Intl.DateTimeFormat in the page's language. */
export function formatDate(value, options) {
  return new Intl.DateTimeFormat(state.language, options).format(value);
}
