<?php // expect: CWE-95
$out = preg_replace('/(.*)/e', 'strtoupper("\\1")', $_GET['text']);
