# expect: CWE-295
curl -sSLk -o artifact.tgz https://builds.example.com/latest.tgz
