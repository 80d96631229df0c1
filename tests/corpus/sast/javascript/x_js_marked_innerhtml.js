// expect: CWE-79
import { marked } from 'marked';

export function preview(el, markdown) {
  el.innerHTML = marked.parse(markdown);
}
