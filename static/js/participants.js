// Contact log dialog: close it once the server says the contact was saved (HX-Trigger).
document.addEventListener("contactLogged", () => {
  const dialog = document.getElementById("contact-dialog");
  if (dialog && dialog.open) {
    dialog.close();
  }
});
