// «Min dag»: close the action dialog once the server says the action was saved (HX-Trigger),
// and put the focus on the result, announced by the page's live region.
document.addEventListener("myDayUpdated", () => {
  const dialog = document.getElementById("myday-dialog");
  if (dialog && dialog.open) {
    dialog.close();
  }
  const heading = document.getElementById("alerts-heading");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
