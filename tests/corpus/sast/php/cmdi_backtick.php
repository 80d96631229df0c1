<?php // expect: CWE-78
$file = $_POST['file'];
$out = `cat /var/log/$file`;
echo nl2br(htmlspecialchars($out));
