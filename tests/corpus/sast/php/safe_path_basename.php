<?php // expect: safe
$file = basename($_GET['file']);
readfile('/var/www/uploads/' . $file);
