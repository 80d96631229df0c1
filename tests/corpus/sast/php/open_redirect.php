<?php // expect: CWE-601
header("Location: " . $_GET['return']);
exit;
