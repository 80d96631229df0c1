<?php // expect: CWE-338, CWE-328
function makeToken() {
    $token = md5(uniqid(mt_rand(), true));
    return $token;
}
