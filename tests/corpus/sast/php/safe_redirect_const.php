<?php // expect: safe
header("Location: /dashboard.php");
exit;
