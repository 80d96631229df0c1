<?php // expect: safe
function register($db, $user, $password) {
    $hash = password_hash($password, PASSWORD_DEFAULT);
    $db->insert('users', ['name' => $user, 'pw' => $hash]);
}
