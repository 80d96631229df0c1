<?php
// expect: CWE-89
function rows(PDO $pdo, string $kind): array
{
    $tables = ['user' => 'users', 'order' => 'orders'];
    if (isset($_GET['table'])) {
        $tables[$kind] = $_GET['table'];
    }
    return $pdo->query('SELECT * FROM ' . $tables[$kind])->fetchAll();
}
