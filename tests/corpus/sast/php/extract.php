<?php // expect: CWE-621
extract($_POST);
if ($is_admin) { show_admin(); }
