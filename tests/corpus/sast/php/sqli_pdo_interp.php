<?php // expect: CWE-89
function findUser(PDO $pdo, string $email) {
    $stmt = $pdo->query("SELECT * FROM users WHERE email = '$email'");
    return $stmt->fetch();
}
