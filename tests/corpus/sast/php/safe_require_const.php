<?php // expect: safe
require_once __DIR__ . '/vendor/autoload.php';
include 'header.php';
