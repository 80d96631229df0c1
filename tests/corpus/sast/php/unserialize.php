<?php // expect: CWE-502, CWE-79
$prefs = unserialize($_COOKIE['prefs']);
echo $prefs['theme'];
