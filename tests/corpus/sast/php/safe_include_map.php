<?php // expect: safe
$pages = ['home' => 'home.php', 'about' => 'about.php'];
$page = $_GET['page'] ?? 'home';
if (!array_key_exists($page, $pages)) { $page = 'home'; }
include $pages[$page];
