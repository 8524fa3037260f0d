// Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.body.dataset.csrfToken;
  if (token) {
    event.detail.headers["X-CSRFToken"] = token;
  }
});

// Elements with data-autofocus get focus when htmx swaps them in (e.g. a dialog's first field).
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target.querySelector("[data-autofocus]");
  if (target) {
    target.focus();
  }
});

// <dialog> helpers: buttons with data-dialog-open="id" / data-dialog-close.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog-open]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialogOpen);
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  }
  const closer = event.target.closest("[data-dialog-close]");
  if (closer) {
    closer.closest("dialog")?.close();
  }
});

// Tables that scroll sideways on a narrow screen must be reachable by keyboard (WCAG 2.1.1):
// a scrolling .table-responsive becomes a focusable, named region; a non-scrolling one stays
// out of the tab order.
function markScrollableTables(root) {
  root.querySelectorAll(".table-responsive").forEach((wrapper) => {
    // overflow-x: auto makes overflow-y auto too, so a region can scroll either way.
    const scrolls = wrapper.scrollWidth > wrapper.clientWidth || wrapper.scrollHeight > wrapper.clientHeight;
    if (scrolls) {
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("role", "region");
      if (!wrapper.hasAttribute("aria-label") && !wrapper.hasAttribute("aria-labelledby")) {
        const caption = wrapper.querySelector("caption");
        const label = caption ? caption.textContent.trim() : document.documentElement.lang === "en" ? "Table" : "Tabell";
        wrapper.setAttribute("aria-label", label);
      }
    } else if (wrapper.getAttribute("tabindex") === "0" && !wrapper.hasAttribute("data-always-focusable")) {
      wrapper.removeAttribute("tabindex");
      wrapper.removeAttribute("role");
    }
  });
}
document.addEventListener("DOMContentLoaded", () => markScrollableTables(document));
document.addEventListener("htmx:afterSwap", (event) => markScrollableTables(event.detail.target));
window.addEventListener("resize", () => markScrollableTables(document));

// A suggested value the user still has to click (e.g. the usual team on the referral form):
// <a data-choose-option="select-id" data-value="…">. Without JavaScript the link reloads the
// form with the value chosen.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-choose-option]");
  if (!link) {
    return;
  }
  const select = document.getElementById(link.dataset.chooseOption);
  if (select) {
    event.preventDefault();
    select.value = link.dataset.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  }
});
