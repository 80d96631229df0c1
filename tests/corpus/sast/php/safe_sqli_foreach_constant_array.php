<?php // expect: safe
function export($pdo) {
    foreach (['email', 'phone'] as $col) {
        $pdo->query("SELECT " . $col . " FROM users");
    }
}
