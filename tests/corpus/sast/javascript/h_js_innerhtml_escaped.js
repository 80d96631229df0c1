// expect: safe
function escapeHtml(s) {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function show(el, name) {
  el.innerHTML = '<b>' + escapeHtml(name) + '</b>';
}
