// expect: safe
function clear() {
  document.getElementById('list').innerHTML = '';
  document.getElementById('spinner').innerHTML = '<span class="spin"></span>';
}
