// expect: safe
function showResults(query) {
  const el = document.getElementById('results');
  el.textContent = 'Results for ' + query;
}
