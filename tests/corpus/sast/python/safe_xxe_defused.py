# expect: safe
import defusedxml.ElementTree as ET

def parse(xml_text):
    return ET.fromstring(xml_text)
