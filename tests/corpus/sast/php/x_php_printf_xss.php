<?php // expect: CWE-79
printf("<p>Hello %s</p>", $_GET['name']);
