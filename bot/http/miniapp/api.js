// The JSON API of DESIGN.md ("The HTTP side"): every call carries `Authorization: tma
// <initData>` (the browser adds Accept-Language); answers are {status, data} or
// {status: "error", message, errors}, the message in the caller's language.
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, message, errors, language) {
    super(message);
    this.status = status;
    this.errors = errors || [];
    this.language = language || ""; // the message's language (Content-Language), when said
  }
}

export function makeApi(initData, school) {
  async function call(method, path, { params, body } = {}) {
    const url = new URL(path, location.origin);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
    }
    if (api.school) url.searchParams.set("school", api.school);
    const headers = { Authorization: `tma ${initData}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      throw new ApiError(0, t("The school's server cannot be reached. Try again in a moment."));
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (_) {
      payload = null;
    }
    if (!response.ok || !payload || payload.status !== "success") {
      const message =
        (payload && payload.message) || t("The server answered {status}. Try again.", { status: response.status });
      const language = (payload && payload.message && response.headers.get("Content-Language")) || "";
      throw new ApiError(response.status, message, payload && payload.errors, language);
    }
    return payload.data;
  }
  const api = {
    school,
    get: (path, params) => call("GET", path, { params }),
    post: (path, body) => call("POST", path, { body: body || {} }),
    patch: (path, body) => call("PATCH", path, { body: body || {} }),
    del: (path, body) => call("DELETE", path, { body: body || {} }),
  };
  return api;
}
