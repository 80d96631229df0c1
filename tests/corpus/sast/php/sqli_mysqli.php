<?php // expect: CWE-89
$id = $_GET['id'];
$result = mysqli_query($conn, "SELECT * FROM users WHERE id = " . $id);
while ($row = mysqli_fetch_assoc($result)) {
    echo htmlspecialchars($row['name']);
}
