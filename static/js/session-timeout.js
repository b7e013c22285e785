// Warns a signed-in person before their session ends, and lets them stay signed in.
// The server enforces the timeouts; this only tells people in time. Without JavaScript the sign-in
// page explains why they were signed out.
//
// The server sends seconds remaining (not clock times), so a browser whose clock is wrong still
// warns at the right moment.

export function initSessionTimeout(body) {
  const idleIn = Number(body.dataset.sessionIdleIn);
  const absoluteIn = Number(body.dataset.sessionAbsoluteIn);
  const warnSeconds = Number(body.dataset.sessionWarnSeconds);
  if (!idleIn || !absoluteIn || !warnSeconds || typeof HTMLDialogElement === "undefined") return;

  const keepAliveUrl = body.dataset.keepAliveUrl;
  const signedOutUrl = body.dataset.signedOutUrl;
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;
  const nowSeconds = () => Date.now() / 1000;

  let idleAt = nowSeconds() + idleIn;
  const absoluteAt = nowSeconds() + absoluteIn;
  let timer = null;
  const dialog = buildDialog();
  document.body.appendChild(dialog);

  function deadline() {
    return Math.min(idleAt, absoluteAt);
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
      </div>`;
    element.querySelector("[data-stay]").addEventListener("click", stay);
    element.querySelector("[data-sign-out]").addEventListener("click", (event) => {
      event.preventDefault();
      document.querySelector('form[action$="/sign-out"]')?.submit();
    });
    return element;
  }

  function schedule() {
    clearTimeout(timer);
    const warnIn = Math.max(0, deadline() - warnSeconds - nowSeconds());
    timer = setTimeout(warn, warnIn * 1000);
  }

  function warn() {
    const absoluteFirst = absoluteAt <= idleAt;
    const minutes = Math.max(1, Math.round((deadline() - nowSeconds()) / 60));
    const unit = minutes === 1 ? "minute" : "minutes";
    dialog.querySelector("[data-message]").textContent = absoluteFirst
      ? `For your security, you will be signed out in ${minutes} ${unit} because you have been signed in for 12 hours. Save your work.`
      : `For your security, we will sign you out in ${minutes} ${unit} if you do nothing.`;
    dialog.querySelector("[data-stay]").hidden = absoluteFirst;
    if (!dialog.open) dialog.showModal();
    clearTimeout(timer);
    timer = setTimeout(() => { window.location.href = signedOutUrl; },
                       Math.max(0, deadline() - nowSeconds()) * 1000);
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
      dialog.close();
      schedule();
    } catch {
      window.location.href = signedOutUrl;
    }
  }

  schedule();
}
