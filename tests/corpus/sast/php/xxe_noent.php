<?php // expect: CWE-611
$doc = new DOMDocument();
$doc->loadXML(file_get_contents('php://input'), LIBXML_NOENT | LIBXML_DTDLOAD);
