<?php // expect: CWE-79
echo "<h1>Welcome " . $_GET['name'] . "</h1>";
