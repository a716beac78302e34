// Plan Tracker's page behaviour. The Content-Security-Policy allows no inline script or onclick
// attributes, so templates mark elements with data- attributes and this file acts on them.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-action='print']")) {
    window.print();
  }
});
