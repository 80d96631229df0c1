# expect: CWE-611
from lxml import etree

def parse(xml_bytes):
    parser = etree.XMLParser(resolve_entities=True)
    return etree.fromstring(xml_bytes, parser)
