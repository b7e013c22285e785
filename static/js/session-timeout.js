// Warns a signed-in person before their session ends, and lets them stay signed in.
// The server enforces the timeouts; this only tells people in time. Without JavaScript the sign-in
// page explains why they were signed out.
//
// The server sends seconds remaining (not clock times), so a browser whose clock is wrong still
// warns at the right moment.
//
// Several tabs share one session (its idle time lives in the cookie), so they share one deadline too:
// every page load or "Stay signed in" writes the new idle deadline to localStorage, and the other tabs
// move theirs when they see it. An idle tab therefore never warns or signs out someone who is busy in
// another. A tab whose form has unsaved typing is never navigated away when time runs out: it says the
// person has been signed out and leaves what they typed on the screen to copy.

const SHARED_DEADLINE = "fcw:session-idle-at";

function forgetSharedDeadline() {
  try {
    window.localStorage.removeItem(SHARED_DEADLINE);
  } catch {
    // storage switched off: nothing was shared
  }
}

export function initSessionTimeout(body) {
  const idleIn = Number(body.dataset.sessionIdleIn);
  const absoluteIn = Number(body.dataset.sessionAbsoluteIn);
  const warnSeconds = Number(body.dataset.sessionWarnSeconds);
  if (!idleIn || !absoluteIn || !warnSeconds || typeof HTMLDialogElement === "undefined") {
    forgetSharedDeadline(); // signed out: the next session starts afresh
    return;
  }

  const keepAliveUrl = body.dataset.keepAliveUrl;
  const signedOutUrl = body.dataset.signedOutUrl;
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;
  const nowSeconds = () => Date.now() / 1000;

  let idleAt = nowSeconds() + idleIn;
  const absoluteAt = nowSeconds() + absoluteIn;
  let timer = null;
  let unsavedTyping = false;
  const dialog = buildDialog();
  document.body.appendChild(dialog);

  function deadline() {
    return Math.min(idleAt, absoluteAt);
  }

  function sharedIdleAt() {
    try {
      return Number(window.localStorage.getItem(SHARED_DEADLINE)) || 0;
    } catch {
      return 0; // storage switched off: each tab keeps its own deadline, as before
    }
  }

  function share() {
    try {
      if (sharedIdleAt() < idleAt) window.localStorage.setItem(SHARED_DEADLINE, String(idleAt));
    } catch {
      // storage switched off or full: nothing to share
    }
  }

  // Another tab loaded a page or stayed signed in: the session runs longer than this tab thought.
  function catchUp() {
    const shared = sharedIdleAt();
    if (shared <= idleAt) return false;
    idleAt = shared;
    if (dialog.open) dialog.close();
    schedule();
    return true;
  }

  function buildDialog() {
    const element = document.createElement("dialog");
    element.className = "fcw-timeout-dialog";
    element.setAttribute("aria-labelledby", "fcw-timeout-title");
    element.innerHTML = `
      <h2 class="govuk-heading-m" id="fcw-timeout-title">You are about to be signed out</h2>
      <p class="govuk-body" data-message></p>
      <div class="govuk-button-group">
        <button type="button" class="govuk-button" data-stay>Stay signed in</button>
        <a class="govuk-link" href="#" data-sign-out>Sign out</a>
        <button type="button" class="govuk-button govuk-button--secondary" data-close hidden>Close</button>
      </div>`;
    element.querySelector("[data-stay]").addEventListener("click", stay);
    element.querySelector("[data-sign-out]").addEventListener("click", (event) => {
      event.preventDefault();
      document.querySelector('form[action$="/sign-out"]')?.submit();
    });
    element.querySelector("[data-close]").addEventListener("click", () => element.close());
    return element;
  }

  function schedule() {
    clearTimeout(timer);
    const warnIn = Math.max(0, deadline() - warnSeconds - nowSeconds());
    timer = setTimeout(warn, warnIn * 1000);
  }

  function warn() {
    if (catchUp()) return;
    const absoluteFirst = absoluteAt <= idleAt;
    const minutes = Math.max(1, Math.round((deadline() - nowSeconds()) / 60));
    const unit = minutes === 1 ? "minute" : "minutes";
    dialog.querySelector("[data-message]").textContent = absoluteFirst
      ? `For your security, you will be signed out in ${minutes} ${unit} because you have been signed in for 12 hours. Save your work.`
      : `For your security, we will sign you out in ${minutes} ${unit} if you do nothing.`;
    dialog.querySelector("[data-stay]").hidden = absoluteFirst;
    if (!dialog.open) dialog.showModal();
    clearTimeout(timer);
    timer = setTimeout(timeUp, Math.max(0, deadline() - nowSeconds()) * 1000);
  }

  function timeUp() {
    if (catchUp()) return;
    if (!unsavedTyping) {
      window.location.href = signedOutUrl;
      return;
    }
    // Keep the page: what they typed stays on screen to copy before they sign in again.
    dialog.querySelector("#fcw-timeout-title").textContent = "You have been signed out";
    dialog.querySelector("[data-message]").innerHTML = "";
    const message = document.createElement("span");
    message.textContent = "For your security, we signed you out. What you typed is still on this page: " +
      "copy it before you leave, then ";
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = signedOutUrl;
    link.textContent = "sign in again";
    dialog.querySelector("[data-message]").append(message, link, ".");
    dialog.querySelector("[data-stay]").hidden = true;
    dialog.querySelector("[data-sign-out]").hidden = true;
    dialog.querySelector("[data-close]").hidden = false;
    if (!dialog.open) dialog.showModal();
  }

  async function stay() {
    try {
      const response = await fetch(keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const times = await response.json();
      idleAt = nowSeconds() + times.idle_in;
      share();
      dialog.close();
      schedule();
    } catch {
      timeUp();
    }
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest?.("form");
    if (form && form.method.toLowerCase() === "post") unsavedTyping = true;
  });
  document.addEventListener("submit", () => { unsavedTyping = false; });
  window.addEventListener("storage", (event) => {
    if (event.key === SHARED_DEADLINE) catchUp();
  });

  share();
  schedule();
}
