// expect: CWE-79
const params = new URLSearchParams(window.location.search);
document.write('<h1>' + params.get('title') + '</h1>');
