<?php // expect: CWE-942
header("Access-Control-Allow-Origin: *");
header("Content-Type: application/json");
echo json_encode($data);
