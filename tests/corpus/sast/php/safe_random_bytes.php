<?php // expect: safe
function makeToken() {
    $token = bin2hex(random_bytes(32));
    return $token;
}
