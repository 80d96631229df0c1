<?php // expect: safe
$prefs = json_decode($_COOKIE['prefs'], true);
