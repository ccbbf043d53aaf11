// Loaded without `defer` at the top of <head>, before the page is drawn: styles meant for when
// JavaScript runs (the phone menu's disclosure button) apply from the first paint, so nothing
// moves when site.js runs later (that move was most of the pages' layout shift on phones).
document.documentElement.classList.replace("no-js", "js");
