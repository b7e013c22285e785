// Progressive enhancement only: every page works without this script.
import { initAll } from "./govuk-frontend.min.js";
import { initSessionTimeout } from "./session-timeout.js";

initAll();
initSessionTimeout(document.body);

// A "Print" button only where JavaScript can print; without it, the browser's own print command works.
for (const button of document.querySelectorAll("[data-fcw-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
