# expect: CWE-295
wget --no-check-certificate https://example.com/file.tar.gz
