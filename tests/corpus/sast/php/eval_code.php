<?php // expect: CWE-95
$code = $_POST['code'];
eval($code);
