<?php
// expect: CWE-89
function products(PDO $pdo): array
{
    $limit = $_GET['limit'] ?? '10';
    if (!in_array($limit, [10, 25, 50])) {
        throw new InvalidArgumentException('bad page size');
    }
    $stmt = $pdo->query("SELECT id, name FROM products LIMIT $limit");
    return $stmt->fetchAll();
}
