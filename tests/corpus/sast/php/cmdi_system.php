<?php // expect: CWE-78
$host = $_GET['host'];
system("ping -c 1 " . $host);
