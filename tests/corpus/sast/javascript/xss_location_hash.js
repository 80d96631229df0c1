// expect: CWE-79
document.querySelector('#greeting').innerHTML = decodeURIComponent(location.hash.slice(1));
