<?php // expect: CWE-22
$file = $_GET['file'];
readfile('/var/www/uploads/' . $file);
