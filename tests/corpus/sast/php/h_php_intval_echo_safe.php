<?php // expect: safe
$page = intval($_GET['page']);
echo "<p>Page " . $page . "</p>";
