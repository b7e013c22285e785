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

// On a narrow screen a wide table scrolls inside its own region rather than widening the page. The
// region can take keyboard focus (so it can be scrolled without a mouse) and is named after the table.
for (const table of document.querySelectorAll("table.govuk-table")) {
  if (table.closest(".fcw-table-scroll")) continue;
  const region = document.createElement("div");
  region.className = "fcw-table-scroll";
  region.setAttribute("role", "region");
  region.tabIndex = 0;
  const caption = table.querySelector("caption")?.textContent.trim();
  let heading = null;
  for (let node = table.previousElementSibling; node && !heading; node = node.previousElementSibling) {
    if (/^H[1-6]$/.test(node.tagName)) heading = node.textContent.trim();
  }
  region.setAttribute("aria-label", caption || heading || document.title.split(" - ")[0] || "Table");
  table.before(region);
  region.append(table);
  // Said in words too, only while the table is wider than its region (a shadow alone is easy to miss).
  const hint = document.createElement("p");
  hint.className = "govuk-body-s fcw-scroll-hint";
  hint.id = `fcw-scroll-hint-${document.querySelectorAll(".fcw-scroll-hint").length + 1}`;
  hint.textContent = "Scroll sideways to see the whole table.";
  region.before(hint);
  region.setAttribute("aria-describedby", hint.id);
  const showHint = () => { hint.hidden = region.scrollWidth <= region.clientWidth + 1; };
  showHint();
  window.addEventListener("resize", showHint);
}
