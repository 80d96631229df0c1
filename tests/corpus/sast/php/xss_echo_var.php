<?php // expect: CWE-79
$q = $_GET['q'];
echo "<p>You searched for: $q</p>";
