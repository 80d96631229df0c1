<?php // expect: CWE-78
function convert($src) {
    return shell_exec("convert $src out.png");
}
