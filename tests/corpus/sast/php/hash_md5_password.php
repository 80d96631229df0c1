<?php // expect: CWE-916, CWE-328
function register($db, $user, $password) {
    $hash = md5($password);
    $db->insert('users', ['name' => $user, 'pw' => $hash]);
}
