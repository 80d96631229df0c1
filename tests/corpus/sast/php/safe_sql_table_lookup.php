<?php
// expect: safe
function rows(PDO $pdo, string $kind): array
{
    $tables = ['user' => 'users', 'order' => 'orders'];
    return $pdo->query('SELECT * FROM ' . $tables[$kind])->fetchAll();
}
