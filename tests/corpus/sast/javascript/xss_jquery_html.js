// expect: CWE-79
function renderComment(c) {
  $('#comments').append('<li>' + c.author + ': ' + c.body + '</li>');
}
