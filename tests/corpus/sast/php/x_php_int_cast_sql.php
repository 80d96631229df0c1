<?php // expect: safe
$id = (int) $_GET['id'];
$res = $mysqli->query("SELECT * FROM posts WHERE id = " . $id);
