<?php // expect: safe
$name = $pdo->quote($_GET['name']);
$stmt = $pdo->prepare("SELECT * FROM users WHERE name = :name");
$stmt->execute(['name' => $_GET['name']]);
