// expect: CWE-79
function showResults(query) {
  const el = document.getElementById('results');
  el.innerHTML = '<p>Results for ' + query + '</p>';
}
