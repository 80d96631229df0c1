<?php // expect: CWE-90
$filter = "(uid=" . $_POST['user'] . ")";
$sr = ldap_search($ds, "dc=example,dc=com", $filter);
