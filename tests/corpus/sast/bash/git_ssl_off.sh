# expect: CWE-295
git config --global http.sslVerify false
export GIT_SSL_NO_VERIFY=1
