// The QR page's one script (CSP: no inline code). A double tap on "Send" sends the form once;
// the hidden submission id guards the server side as well, for phones without JavaScript.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-once]");
  if (!button) return;
  if (button.dataset.sent) {
    event.preventDefault();
    return;
  }
  button.dataset.sent = "1";
  button.setAttribute("aria-disabled", "true");
  button.classList.add("is-sending");
});
