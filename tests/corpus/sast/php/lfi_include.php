<?php // expect: CWE-98
$page = $_GET['page'];
include($page . '.php');
