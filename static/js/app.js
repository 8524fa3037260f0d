// Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.body.dataset.csrfToken;
  if (token) {
    event.detail.headers["X-CSRFToken"] = token;
  }
});

// Focus after an htmx swap: an element with data-autofocus, else, inside an open <dialog>, the
// first field with an error, else the dialog's first field (a keyboard user starts typing where
// the form starts; the dialog itself holds the focus while its content is loading).
const FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
document.addEventListener("htmx:afterSwap", (event) => {
  const root = event.detail.target;
  if (!root.isConnected) {
    return;
  }
  const target = root.querySelector("[data-autofocus]");
  if (target) {
    target.focus();
    return;
  }
  const dialog = root.closest("dialog[open]");
  if (dialog) {
    const field = dialog.querySelector("[aria-invalid=true], .is-invalid") || dialog.querySelector(FIELDS);
    if (field) {
      field.focus();
    }
  }
});

// The live region (#live-status in base.html, role=status): a server response announces its
// result with the "announce" event (ips.http.announce: HX-Trigger-After-Settle
// {"announce": {"message": "..."}}). The text is cleared first so the same message said twice is
// heard twice, and again after a while so the visible toast goes away.
let liveStatusTimer;
document.addEventListener("announce", (event) => {
  const region = document.getElementById("live-status");
  const message = event.detail && event.detail.message;
  if (!region || !message) {
    return;
  }
  region.textContent = "";
  window.clearTimeout(liveStatusTimer);
  window.setTimeout(() => {
    region.textContent = message;
    liveStatusTimer = window.setTimeout(() => {
      region.textContent = "";
    }, 8000);
  }, 50);
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
document.addEventListener("htmx:afterSwap", (event) => markScrollableTables(event.detail.target));
window.addEventListener("resize", () => markScrollableTables(document));

// Phone-first tables. Every .table with three or more header columns becomes stacked cards
// below the small breakpoint (static/css/app.css, .table-cards), so no action column is off
// screen; .table-keep opts a table out. Each cell gets its column header as data-label, shown
// as "Label: value" in the card (headers with only visually hidden text, e.g. the action
// column, give no label). Roles keep the table semantics that display: block may drop.
function headerText(cell) {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
  copy.querySelectorAll("br").forEach((br) => br.replaceWith(" "));
  return copy.textContent.replace(/\s+/g, " ").trim();
}

function columnLabels(table) {
  const rows = table.tHead ? table.tHead.rows : [];
  const labels = [];
  if (!rows.length) {
    return labels;
  }
  let column = 0;
  for (const cell of rows[rows.length - 1].cells) {
    const text = headerText(cell);
    for (let i = 0; i < cell.colSpan; i += 1) {
      labels[column + i] = text;
    }
    column += cell.colSpan;
  }
  return labels;
}

function makeCards(root) {
  const tables = root.querySelectorAll ? root.querySelectorAll("table.table:not(.table-keep)") : [];
  tables.forEach((table) => {
    const labels = columnLabels(table);
    if (!table.classList.contains("table-cards") && labels.length < 3) {
      return;
    }
    table.classList.add("table-cards");
    table.setAttribute("role", "table");
    for (const section of [table.tHead, ...table.tBodies, table.tFoot]) {
      if (!section) {
        continue;
      }
      section.setAttribute("role", "rowgroup");
      for (const row of section.rows) {
        row.setAttribute("role", "row");
        let column = 0;
        for (const cell of row.cells) {
          if (section === table.tHead) {
            cell.setAttribute("role", "columnheader");
          } else {
            // A header cell in the body is the row's header: the card's title, without a label.
            cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
            const label = labels[column];
            if (label && cell.colSpan === 1 && cell.tagName !== "TH") {
              cell.dataset.label = label;
            } else {
              delete cell.dataset.label;
            }
            const blank = !cell.textContent.trim() && !cell.querySelector("a, button, input, select, textarea, img, svg");
            cell.classList.toggle("cell-blank", blank);
          }
          column += cell.colSpan;
        }
      }
    }
  });
}

// Charts: below the small breakpoint a chart's SVG would shrink its labels under 11 px, so the
// chart gives way to its data table (CSS hides .chart; here the table's <details class=
// "chart-data"> opens). Wider again, the table folds back unless the user opened it.
const SMALL = window.matchMedia("(max-width: 575.98px)");

function showChartTables() {
  document.querySelectorAll("details.chart-data").forEach((details) => {
    if (SMALL.matches && !details.open) {
      details.open = true;
      details.dataset.openedForSmall = "";
    } else if (!SMALL.matches && details.dataset.openedForSmall !== undefined) {
      details.open = false;
      delete details.dataset.openedForSmall;
    }
  });
}

// Filters fold away behind one button on a phone: <details class="filter-fold" open> is open on
// wider screens (its summary hidden by CSS) and closed below the small breakpoint; the summary
// shows how many filters are in use.
function foldFilters() {
  const params = new URLSearchParams(window.location.search);
  document.querySelectorAll("details.filter-fold").forEach((details) => {
    details.open = !SMALL.matches;
    const count = details.querySelector("[data-filter-count]");
    if (!count) {
      return;
    }
    const names = new Set(Array.from(details.querySelectorAll("[name]"), (field) => field.name));
    let used = 0;
    for (const [name, value] of params) {
      if (names.has(name) && value && name !== "page") {
        used += 1;
      }
    }
    count.textContent = used ? (count.dataset.template || "({n})").replace("{n}", used) : "";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  makeCards(document);
  showChartTables();
  foldFilters();
  markScrollableTables(document); // after the cards: a table shown as cards no longer scrolls
});
document.addEventListener("htmx:afterSettle", () => makeCards(document));
SMALL.addEventListener("change", () => {
  showChartTables();
  foldFilters();
  markScrollableTables(document);
});

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
