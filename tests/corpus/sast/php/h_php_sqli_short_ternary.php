<?php // expect: CWE-89
function a($db) {
    $o = $_GET['o'] ?: 'ASC';
    return $db->query("SELECT * FROM t ORDER BY c " . $o);
}
function b($db, $x) {
    $o = $x ? $_GET['o'] : 'ASC';
    return $db->query("SELECT * FROM t ORDER BY c " . $o);
}
