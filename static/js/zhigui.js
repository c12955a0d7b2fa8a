// Behaviour that used to sit in inline attributes, moved here so the
// Content-Security-Policy can forbid inline script (script-src 'self').
//   <form data-confirm="确定…？">   or   <button data-confirm="确定…？">
//   <button data-print>             prints the page
"use strict";

document.addEventListener("submit", function (event) {
  var form = event.target;
  var submitter = event.submitter;
  var message =
    (submitter && submitter.getAttribute("data-confirm")) ||
    form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
