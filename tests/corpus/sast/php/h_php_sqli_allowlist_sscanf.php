<?php
// expect: CWE-89
function users($db) {
    $col = $_GET['sort'];
    if (!in_array($col, ['name', 'email'], true)) {
        exit;
    }
    sscanf($_GET['override'] ?? '', "%s", $col);
    return $db->query("SELECT * FROM users ORDER BY $col");
}
