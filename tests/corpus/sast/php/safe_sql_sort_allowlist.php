<?php
// expect: safe
function products(PDO $pdo): array
{
    $sort = $_GET['sort'] ?? 'name';
    if (!in_array($sort, ['name', 'created_at', 'price'], true)) {
        throw new InvalidArgumentException('unknown sort column');
    }
    $stmt = $pdo->query("SELECT id, name FROM products ORDER BY $sort");
    return $stmt->fetchAll();
}
