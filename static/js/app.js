// Plan Tracker's page behaviour. The Content-Security-Policy allows no inline script or onclick
// attributes, so templates mark elements with data- attributes and this file acts on them.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-action='print']")) {
    window.print();
  }
});

// A form returned with errors: move focus to its error summary, so screen readers announce it
// and keyboard users start from the list of links to each field (GOV.UK's pattern).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
